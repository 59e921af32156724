import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, signUp, startRegistry } from '../harness.js';

let registry: RegistryHarness;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry.close());

const signup = (payload: unknown) =>
  registry.app.inject({ method: 'POST', url: '/api/auth/signup', payload: payload as object });

describe('POST /api/auth/signup', () => {
  it('makes the first user admin and later ones plain users', async () => {
    const first = await signUp(registry.app, 'first@example.com');
    const second = await signUp(registry.app, 'second@example.com');
    expect(first.user.role).toBe('admin');
    expect(second.user.role).toBe('user');
    expect(first.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(first.user).not.toHaveProperty('passwordHash');
    expect(first.user).not.toHaveProperty('password_hash');
  });

  it('refuses a duplicate email, whatever its case, with 409 EMAIL_TAKEN', async () => {
    await signUp(registry.app, 'dup@example.com');
    const response = await signup({ email: 'DUP@example.com', password: 'another password' });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('EMAIL_TAKEN');
  });

  it.each([
    ['a malformed email', { email: 'not-an-email', password: 'long enough pw' }],
    ['a short password', { email: 'short@example.com', password: 'short' }],
    ['no password', { email: 'nopw@example.com' }],
  ])('answers 400 VALIDATION_ERROR for %s', async (_label, payload) => {
    const response = await signup(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_ERROR');
  });

  it.each([
    ['a line break', 'Ada\nLovelace'],
    ['a tab', 'Ada\tLovelace'],
    ['an escape', 'Ada \u001b[31mLovelace'],
    ['DEL', 'Ada\u007fLovelace'],
  ])('refuses a name holding %s with 400 INVALID_NAME, making no account', async (label, name) => {
    const email = `control-${label.replace(/\W/g, '').toLowerCase()}-${Date.now()}@example.com`;
    const response = await signup({ email, password: 'long enough pw', name });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toEqual({
      code: 'INVALID_NAME',
      message: 'name may not hold control characters or line breaks',
    });
    const rows = await registry.app.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', email)
      .execute();
    expect(rows).toEqual([]);
  });

  it('refuses a name of spaces with 400 INVALID_NAME, and keeps a name trimmed', async () => {
    const blank = await signup({
      email: `blank-${Date.now()}@example.com`,
      password: 'long enough pw',
      name: '  ',
    });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error).toEqual({ code: 'INVALID_NAME', message: 'name may not be empty' });
    const padded = await signup({
      email: `padded-${Date.now()}@example.com`,
      password: 'long enough pw',
      name: ' Ada ',
    });
    expect(padded.statusCode, padded.body).toBe(201);
    expect(padded.json().user.name).toBe('Ada');
  });

  it('answers 400 BAD_JSON for a body that is not JSON', async () => {
    const response = await registry.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "x@example.com", ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: { code: 'BAD_JSON', message: expect.any(String) } });
  });
});

describe('POST /api/auth/login', () => {
  it('returns a token that authenticates /api/auth/me', async () => {
    const { email } = await signUp(registry.app, 'login@example.com');
    const login = await registry.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'Login@Example.com', password: 'correct horse battery' },
    });
    expect(login.statusCode).toBe(200);
    const me = await registry.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${login.json().token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().email).toBe(email);
  });

  it('answers 400 for an email holding U+0000, not a database error', async () => {
    const response = await registry.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'a\u0000@example.com', password: 'correct horse battery' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('NUL_CHARACTER');
  });

  it('answers 401 INVALID for a wrong password and for an unknown email alike', async () => {
    await signUp(registry.app, 'wrongpw@example.com');
    for (const payload of [
      { email: 'wrongpw@example.com', password: 'not the password' },
      { email: 'nobody@example.com', password: 'correct horse battery' },
    ]) {
      const response = await registry.app.inject({ method: 'POST', url: '/api/auth/login', payload });
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toEqual({ code: 'UNAUTHORIZED', message: 'Wrong email or password' });
    }
  });
});

describe('GET /api/auth/me', () => {
  it.each([
    ['no header', {}],
    ['a malformed header', { authorization: 'Token abc' }],
    ['a forged token', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' }],
    ['an unknown API key', { authorization: 'Bearer chatty_unknownkeyunknownkeyunknownkey' }],
  ])('answers 401 for %s', async (_label, headers) => {
    const response = await registry.app.inject({ method: 'GET', url: '/api/auth/me', headers });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('UNAUTHORIZED');
  });
});
