import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, signUp, startRegistry } from '../harness.js';

let registry: RegistryHarness;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry.close());

async function createKey(auth: Record<string, string>, name = 'ci') {
  const response = await registry.app.inject({
    method: 'POST',
    url: '/api/keys',
    headers: auth,
    payload: { name },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; name: string; key: string; createdAt: string };
}

describe('API keys', () => {
  it('creates a key that authenticates, lists it without the secret, and records its use', async () => {
    const owner = await signUp(registry.app);
    const created = await createKey(owner.auth, 'deploy bot');
    expect(created.key).toMatch(/^chatty_[\w-]{43}$/);

    const me = await registry.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${created.key}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(owner.user.id);

    const list = await registry.app.inject({ method: 'GET', url: '/api/keys', headers: owner.auth });
    expect(list.statusCode).toBe(200);
    const [summary] = list.json().items;
    expect(summary).toMatchObject({ id: created.id, name: 'deploy bot', prefix: created.key.slice(0, 12) });
    expect(summary.lastUsedAt).not.toBeNull();
    expect(list.body).not.toContain(created.key);
  });

  it('stores only a hash of the key', async () => {
    const owner = await signUp(registry.app);
    const created = await createKey(owner.auth);
    const rows = await registry.app.db
      .selectFrom('api_key')
      .selectAll()
      .where('id', '=', created.id)
      .execute();
    expect(JSON.stringify(rows)).not.toContain(created.key);
    expect(rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a revoked key answers 401 at once', async () => {
    const owner = await signUp(registry.app);
    const created = await createKey(owner.auth);
    const byKey = { authorization: `Bearer ${created.key}` };
    expect((await registry.app.inject({ method: 'GET', url: '/api/gpts', headers: byKey })).statusCode).toBe(
      200,
    );

    const revoke = await registry.app.inject({
      method: 'DELETE',
      url: `/api/keys/${created.id}`,
      headers: owner.auth,
    });
    expect(revoke.statusCode).toBe(204);
    expect(revoke.body).toBe('');

    for (const url of ['/api/gpts', '/api/auth/me', '/api/keys']) {
      const response = await registry.app.inject({ method: 'GET', url, headers: byKey });
      expect(response.statusCode).toBe(401);
    }
  });

  it("another user's key answers 404 on delete and stays usable", async () => {
    const owner = await signUp(registry.app);
    const other = await signUp(registry.app);
    const created = await createKey(owner.auth);
    const response = await registry.app.inject({
      method: 'DELETE',
      url: `/api/keys/${created.id}`,
      headers: other.auth,
    });
    expect(response.statusCode).toBe(404);
    const list = await registry.app.inject({ method: 'GET', url: '/api/keys', headers: other.auth });
    expect(list.json().items).toEqual([]);
    const me = await registry.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${created.key}` },
    });
    expect(me.statusCode).toBe(200);
  });

  it.each([
    ['a line break', 'deploy\nbot'],
    ['a tab', 'deploy\tbot'],
    ['an escape', 'deploy \u001b[31mbot'],
    ['DEL', 'deploy\u007fbot'],
  ])('refuses a name holding %s with 400 INVALID_NAME, and makes no key', async (_label, name) => {
    const owner = await signUp(registry.app);
    const response = await registry.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: owner.auth,
      payload: { name },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toEqual({
      code: 'INVALID_NAME',
      message: 'name may not hold control characters or line breaks',
    });
    const list = await registry.app.inject({ method: 'GET', url: '/api/keys', headers: owner.auth });
    expect(list.json().items).toEqual([]);
  });

  it('refuses a name of spaces with 400 INVALID_NAME, and trims one it takes', async () => {
    const owner = await signUp(registry.app);
    const create = (name: string) =>
      registry.app.inject({ method: 'POST', url: '/api/keys', headers: owner.auth, payload: { name } });
    const blank = await create('   ');
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error).toEqual({ code: 'INVALID_NAME', message: 'name may not be empty' });
    expect((await create('  deploy bot ')).json().name).toBe('deploy bot');
  });

  it('answers 400 for a key without a name and 401 without a caller', async () => {
    const owner = await signUp(registry.app);
    const noName = await registry.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: owner.auth,
      payload: {},
    });
    expect(noName.statusCode).toBe(400);
    for (const [method, url] of [
      ['POST', '/api/keys'],
      ['GET', '/api/keys'],
      ['DELETE', '/api/keys/00000000-0000-4000-8000-000000000000'],
    ] as const) {
      expect((await registry.app.inject({ method, url, payload: { name: 'x' } })).statusCode).toBe(401);
    }
  });
});
