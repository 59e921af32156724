import { tokensOf } from '@chatty/testkit';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../../gpt-registry/test/harness.js';
import { type GatewayHarness, post, startGateway, urlOf, userWithGpt } from './harness.js';

/*
 * Sessions that can end and API keys that can do less, through the public origin: the registry and
 * the gateway must agree on every answer.
 */
let harness: GatewayHarness;
let web: WebApp;
let origin: string;
let admin: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  harness = await startGateway([{ models: ['phi3'], reply: () => ({ tokens: tokensOf('hello there') }) }]);
  // The registry's first account is its admin.
  admin = await signUp(harness.registry.app);
  web = await buildWeb(
    loadWebConfig({
      REGISTRY_URL: urlOf(harness.registry.app.server),
      GATEWAY_URL: harness.url,
      LOG_LEVEL: 'silent',
    }),
  );
  await web.listen({ port: 0, host: '127.0.0.1' });
  origin = urlOf(web.server);
});
afterAll(async () => {
  await web.close();
  await harness.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const get = (path: string, auth: Record<string, string>) => fetch(`${origin}${path}`, { headers: auth });
const call = (method: string, path: string, auth: Record<string, string>, body?: unknown) =>
  fetch(`${origin}${path}`, {
    method,
    headers: { ...auth, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

const codeOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

async function login(email: string, password = 'correct horse battery') {
  const response = await post(`${origin}/api/auth/login`, {}, { email, password });
  expect(response.status).toBe(200);
  return bearer(((await response.json()) as { token: string }).token);
}

/** 200 from the registry (`/api/auth/me`) and the gateway (`/api/gpts/:id/sessions`), or both 401. */
async function statusesOf(auth: Record<string, string>, gptId: string) {
  return [(await get('/api/auth/me', auth)).status, (await get(`/api/gpts/${gptId}/sessions`, auth)).status];
}

describe('sessions that can end', () => {
  it('signing out ends the token on the registry and the gateway at once, and only that session', async () => {
    const user = await userWithGpt(harness);
    const other = await login(user.email);
    expect(await statusesOf(user.auth, user.gptId)).toEqual([200, 200]);

    const out = await call('POST', '/api/auth/logout', user.auth);
    expect(out.status).toBe(204);
    expect(await statusesOf(user.auth, user.gptId)).toEqual([401, 401]);
    expect(await statusesOf(other, user.gptId)).toEqual([200, 200]);
  });

  it('lists the live sessions and ends another one; a stranger cannot end it (404)', async () => {
    const user = await userWithGpt(harness);
    const laptop = await login(user.email);
    const list = (await (await get('/api/auth/sessions', user.auth)).json()) as {
      items: Array<{ id: string; current: boolean }>;
    };
    expect(list.items).toHaveLength(2);
    const laptopSession = list.items.find((item) => !item.current)!;

    const stranger = await signUp(harness.registry.app);
    expect((await call('DELETE', `/api/auth/sessions/${laptopSession.id}`, stranger.auth)).status).toBe(404);
    expect(await statusesOf(laptop, user.gptId)).toEqual([200, 200]);

    expect((await call('DELETE', `/api/auth/sessions/${laptopSession.id}`, user.auth)).status).toBe(204);
    expect(await statusesOf(laptop, user.gptId)).toEqual([401, 401]);
    expect(await statusesOf(user.auth, user.gptId)).toEqual([200, 200]);
  });

  it('changing the password ends every other session and keeps this one', async () => {
    const user = await userWithGpt(harness);
    const phone = await login(user.email);
    const wrong = await call('POST', '/api/auth/password', user.auth, {
      currentPassword: 'not it at all',
      newPassword: 'a brand new passphrase',
    });
    expect(wrong.status).toBe(400);
    expect(await statusesOf(phone, user.gptId)).toEqual([200, 200]);

    const changed = await call('POST', '/api/auth/password', user.auth, {
      currentPassword: 'correct horse battery',
      newPassword: 'a brand new passphrase',
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ endedSessions: 1 });
    expect(await statusesOf(phone, user.gptId)).toEqual([401, 401]);
    expect(await statusesOf(user.auth, user.gptId)).toEqual([200, 200]);
    const old = await post(
      `${origin}/api/auth/login`,
      {},
      { email: user.email, password: 'correct horse battery' },
    );
    expect(old.status).toBe(401);
    await login(user.email, 'a brand new passphrase');
  });

  it('an API key cannot change the password or sign out', async () => {
    const user = await signUp(harness.registry.app);
    const key = await createKey(user.auth, { name: 'full' });
    const attempt = await call('POST', '/api/auth/password', bearer(key.key), {
      currentPassword: 'correct horse battery',
      newPassword: 'a brand new passphrase',
    });
    expect(attempt.status).toBe(403);
    expect(await codeOf(attempt)).toBe('SESSION_REQUIRED');
  });

  it("an admin ends all of a user's sessions; a user who is not an admin may not", async () => {
    const user = await userWithGpt(harness);
    const second = await login(user.email);
    const notAdmin = await signUp(harness.registry.app);
    const refused = await call('DELETE', `/api/admin/users/${user.user.id}/sessions`, notAdmin.auth);
    expect(refused.status).toBe(403);
    expect(await statusesOf(user.auth, user.gptId)).toEqual([200, 200]);

    const ended = await call('DELETE', `/api/admin/users/${user.user.id}/sessions`, admin.auth);
    expect(ended.status).toBe(200);
    expect(await ended.json()).toEqual({ endedSessions: 2 });
    expect(await statusesOf(user.auth, user.gptId)).toEqual([401, 401]);
    expect(await statusesOf(second, user.gptId)).toEqual([401, 401]);
  });
});

async function createKey(auth: Record<string, string>, body: object) {
  const response = await call('POST', '/api/keys', auth, body);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; key: string; scope: string; expiresAt: string | null };
}

describe('API key scopes, expiry and last use', () => {
  it('a chat key chats (gateway and /v1) and does nothing else', async () => {
    const user = await userWithGpt(harness);
    const chat = bearer((await createKey(user.auth, { name: 'bot', scope: 'chat' })).key);
    const session = await post(`${origin}/api/gpts/${user.gptId}/sessions`, chat, {});
    expect(session.status).toBe(201);
    const { id } = (await session.json()) as { id: string };
    const message = await post(`${origin}/api/sessions/${id}/messages`, chat, { content: 'hi' });
    expect(message.status).toBe(200);
    expect((await get('/v1/models', chat)).status).toBe(200);

    for (const [method, path, body] of [
      ['GET', '/api/gpts', undefined],
      ['POST', '/api/gpts', { name: 'x', modelId: 'phi3' }],
      ['POST', '/api/keys', { name: 'more' }],
      ['GET', '/api/keys', undefined],
    ] as const) {
      const refused = await call(method, path, chat, body);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(await codeOf(refused)).toBe('KEY_SCOPE');
    }
  });

  it('a read key reads and changes nothing, creates no keys and does not chat', async () => {
    const user = await userWithGpt(harness);
    const read = bearer((await createKey(user.auth, { name: 'dashboard', scope: 'read' })).key);
    expect((await get('/api/gpts', read)).status).toBe(200);
    expect((await get(`/api/gpts/${user.gptId}/sessions`, read)).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/api/gpts', { name: 'x', modelId: 'phi3' }],
      ['POST', '/api/keys', { name: 'more', scope: 'read' }],
      ['POST', `/api/gpts/${user.gptId}/sessions`, {}],
      ['DELETE', `/api/gpts/${user.gptId}`, undefined],
    ] as const) {
      expect((await call(method, path, read, body)).status, `${method} ${path}`).toBe(403);
    }
    expect((await get(`/api/gpts/${user.gptId}`, user.auth)).status).toBe(200);
  });

  it('a full key may create keys; a key expires; the list shows scope, expiry and last use', async () => {
    const user = await signUp(harness.registry.app);
    const full = await createKey(user.auth, { name: 'admin script' });
    expect(full.scope).toBe('full');
    const minted = await createKey(bearer(full.key), { name: 'minted', scope: 'chat', expiresInDays: 30 });
    const days = (Date.parse(minted.expiresAt!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    expect((await get('/v1/models', bearer(minted.key))).status).toBe(200);
    const { items } = (await (await get('/api/keys', user.auth)).json()) as {
      items: Array<Record<string, unknown>>;
    };
    expect(items.find((item) => item.id === minted.id)).toMatchObject({
      scope: 'chat',
      expiresAt: minted.expiresAt,
      lastUsedAt: expect.any(String),
    });
    expect(items.find((item) => item.id === full.id)).toMatchObject({ scope: 'full', expiresAt: null });

    await harness.registry.app.db
      .updateTable('api_key')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', minted.id)
      .execute();
    expect((await get('/v1/models', bearer(minted.key))).status).toBe(401);
    expect((await get('/api/auth/me', bearer(minted.key))).status).toBe(401);
  });

  it('refuses an unknown scope and an expiry out of range (400)', async () => {
    const user = await signUp(harness.registry.app);
    expect((await call('POST', '/api/keys', user.auth, { name: 'k', scope: 'root' })).status).toBe(400);
    expect((await call('POST', '/api/keys', user.auth, { name: 'k', expiresInDays: 0 })).status).toBe(400);
  });
});
