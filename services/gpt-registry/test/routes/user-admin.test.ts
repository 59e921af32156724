import type { AddressInfo } from 'node:net';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, startRegistry } from '../harness.js';

/*
 * A server with sign-up closed: the first account is the admin, who creates the others, changes their
 * role, disables them and resets their passwords. Through the public origin.
 */
let registry: RegistryHarness;
let web: WebApp;
let origin: string;
let admin: Record<string, string>;
let adminId: string;

beforeAll(async () => {
  registry = await startRegistry({ ALLOW_SIGNUP: 'false' });
  await registry.app.listen({ port: 0, host: '127.0.0.1' });
  const registryUrl = `http://127.0.0.1:${(registry.app.server.address() as AddressInfo).port}`;
  web = await buildWeb(loadWebConfig({ REGISTRY_URL: registryUrl, LOG_LEVEL: 'silent' }));
  await web.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
  const first = await call(
    'POST',
    '/api/auth/signup',
    {},
    { email: 'root@example.com', password: 'the admin pass' },
  );
  expect(first.status).toBe(201);
  admin = bearer(first.json.token);
  adminId = first.json.user.id;
});
afterAll(async () => {
  await web.close();
  await registry.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function call(method: string, path: string, auth: Record<string, string>, body?: unknown) {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { ...auth, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

let counter = 0;
async function createUser(role?: 'admin' | 'user') {
  const email = `member${++counter}-${Date.now()}@example.com`;
  const created = await call('POST', '/api/admin/users', admin, {
    email,
    password: 'first password',
    name: 'Member',
    ...(role && { role }),
  });
  expect(created.status).toBe(201);
  const login = await call('POST', '/api/auth/login', {}, { email, password: 'first password' });
  expect(login.status).toBe(200);
  return { id: created.json.id as string, email, auth: bearer(login.json.token) };
}

describe('user management with ALLOW_SIGNUP=false', () => {
  it('sign-up is closed; an admin creates an account that can sign in', async () => {
    const signup = await call(
      'POST',
      '/api/auth/signup',
      {},
      { email: 'x@example.com', password: 'a password!' },
    );
    expect(signup.status).toBe(403);
    const member = await createUser();
    const me = await call('GET', '/api/auth/me', member.auth);
    expect(me.json).toMatchObject({ id: member.id, role: 'user' });
    // Like an account that signed up, it has its personal workspace to keep GPTs in.
    const workspaces = await call('GET', '/api/workspaces', member.auth);
    expect(workspaces.json.items).toEqual([expect.objectContaining({ personal: true, role: 'owner' })]);
    const list = await call('GET', '/api/admin/users', admin);
    expect(list.json.items.map((user: { id: string }) => user.id)).toEqual(
      expect.arrayContaining([adminId, member.id]),
    );
    const again = await call('POST', '/api/admin/users', admin, {
      email: member.email,
      password: 'whatever1',
    });
    expect(again.status).toBe(409);
  });

  it('the admin routes answer 403 ADMIN_ONLY to a user, and work once the user is made admin', async () => {
    const member = await createUser();
    const other = await createUser();
    for (const [method, path, body] of [
      ['GET', '/api/admin/users', undefined],
      ['POST', '/api/admin/users', { email: 'y@example.com', password: 'password1' }],
      ['PATCH', `/api/admin/users/${other.id}`, { disabled: true }],
      ['POST', `/api/admin/users/${other.id}/password`, { password: 'password1' }],
      ['DELETE', `/api/admin/users/${other.id}/sessions`, undefined],
    ] as const) {
      const refused = await call(method, path, member.auth, body);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.json.error.code).toBe('ADMIN_ONLY');
    }
    expect((await call('GET', '/api/auth/me', other.auth)).status).toBe(200);

    expect((await call('PATCH', `/api/admin/users/${member.id}`, admin, { role: 'admin' })).json.role).toBe(
      'admin',
    );
    expect((await call('GET', '/api/admin/users', member.auth)).status).toBe(200);
    // And back: the role is read on every request.
    await call('PATCH', `/api/admin/users/${member.id}`, admin, { role: 'user' });
    expect((await call('GET', '/api/admin/users', member.auth)).status).toBe(403);
  });

  it('disabling ends the sessions and stops the keys at once; enabling lets the user sign in again', async () => {
    const member = await createUser();
    const key = await call('POST', '/api/keys', member.auth, { name: 'script' });
    const byKey = bearer(key.json.key);
    expect((await call('GET', '/api/gpts', byKey)).status).toBe(200);

    const disabled = await call('PATCH', `/api/admin/users/${member.id}`, admin, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.json.disabledAt).toEqual(expect.any(String));
    expect((await call('GET', '/api/auth/me', member.auth)).status).toBe(401);
    expect((await call('GET', '/api/gpts', byKey)).status).toBe(401);
    const login = await call(
      'POST',
      '/api/auth/login',
      {},
      { email: member.email, password: 'first password' },
    );
    expect(login.status).toBe(403);
    expect(login.json.error.code).toBe('ACCOUNT_DISABLED');

    await call('PATCH', `/api/admin/users/${member.id}`, admin, { disabled: false });
    const back = await call(
      'POST',
      '/api/auth/login',
      {},
      { email: member.email, password: 'first password' },
    );
    expect(back.status).toBe(200);
    expect((await call('GET', '/api/gpts', byKey)).status).toBe(200);
    expect((await call('GET', '/api/auth/me', member.auth)).status).toBe(401);
  });

  it("an admin resets a user's password: their sessions end and only the new password works", async () => {
    const member = await createUser();
    const reset = await call('POST', `/api/admin/users/${member.id}/password`, admin, {
      password: 'brand new one',
    });
    expect(reset.json).toEqual({ endedSessions: 1 });
    expect((await call('GET', '/api/auth/me', member.auth)).status).toBe(401);
    const old = await call(
      'POST',
      '/api/auth/login',
      {},
      { email: member.email, password: 'first password' },
    );
    expect(old.status).toBe(401);
    const fresh = await call(
      'POST',
      '/api/auth/login',
      {},
      { email: member.email, password: 'brand new one' },
    );
    expect(fresh.status).toBe(200);
  });

  it.each([
    ['a line break', 'Ada\nLovelace'],
    ['a tab', 'Ada\tLovelace'],
    ['an escape', 'Ada \u001b[31mLovelace'],
  ])(
    'refuses an account whose name holds %s with 400 INVALID_NAME, creating nothing',
    async (_label, name) => {
      const email = `control${++counter}-${Date.now()}@example.com`;
      const created = await call('POST', '/api/admin/users', admin, {
        email,
        password: 'first password',
        name,
      });
      expect(created.status).toBe(400);
      expect(created.json.error).toEqual({
        code: 'INVALID_NAME',
        message: 'name may not hold control characters or line breaks',
      });
      const users = await call('GET', '/api/admin/users', admin);
      expect(users.json.items.map((user: { email: string }) => user.email)).not.toContain(email);
    },
  );

  it('an admin cannot lock themselves out; an unknown user is 404; bad input is 400', async () => {
    expect((await call('PATCH', `/api/admin/users/${adminId}`, admin, { disabled: true })).status).toBe(409);
    expect((await call('PATCH', `/api/admin/users/${adminId}`, admin, { role: 'user' })).status).toBe(409);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await call('PATCH', `/api/admin/users/${unknown}`, admin, { disabled: true })).status).toBe(404);
    expect(
      (await call('POST', `/api/admin/users/${unknown}/password`, admin, { password: 'password1' })).status,
    ).toBe(404);
    expect((await call('PATCH', `/api/admin/users/${adminId}`, admin, {})).status).toBe(400);
    expect(
      (await call('POST', '/api/admin/users', admin, { email: 'not-an-email', password: 'password1' }))
        .status,
    ).toBe(400);
    expect((await call('GET', '/api/auth/me', admin)).status).toBe(200);
  });

  it('lists the accounts newest first, a page at a time, and finds them by part of the email or name', async () => {
    const marker = `find${Date.now()}`;
    const emails: string[] = [];
    for (const name of ['Grace Hopper', 'Alan Turing', 'Grace Kelly']) {
      const email = `${marker}-${emails.length}@example.com`;
      expect(
        (await call('POST', '/api/admin/users', admin, { email, password: 'first password', name })).status,
      ).toBe(201);
      emails.push(email);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = `q=${marker.toUpperCase()}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await call('GET', `/api/admin/users?${query}`, admin);
      expect(page.status).toBe(200);
      seen.push(...page.json.items.map((user: { email: string }) => user.email));
      cursor = page.json.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual([...emails].reverse());

    const byName = await call('GET', `/api/admin/users?q=${encodeURIComponent('grace ')}`, admin);
    expect(byName.json.items.map((user: { name: string }) => user.name).sort()).toEqual([
      'Grace Hopper',
      'Grace Kelly',
    ]);
    // % and _ are what they are, not wildcards.
    expect((await call('GET', '/api/admin/users?q=%25', admin)).json.items).toEqual([]);
    expect((await call('GET', '/api/admin/users?q=_', admin)).json.items).toEqual([]);

    const badCursor = await call('GET', '/api/admin/users?cursor=not-ours', admin);
    expect(badCursor.status).toBe(400);
    expect(badCursor.json.error.code).toBe('INVALID_CURSOR');
    expect((await call('GET', '/api/admin/users?limit=0', admin)).status).toBe(400);
    expect((await call('GET', '/api/admin/users?limit=201', admin)).status).toBe(400);
  });
});
