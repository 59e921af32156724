import type { AddressInfo } from 'node:net';
import { captureLogs } from '@chatty/testkit';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, startRegistry } from '../harness.js';

/*
 * With sign-up closed, an admin invites a person by email: a one-time, expiring link whose token is
 * stored hashed and shown once; the person sets their own password through the public origin and is
 * signed in. Used, expired and revoked links are refused, and sign-up without one stays closed.
 */
const logs = captureLogs('gpt-registry');
const webLogs = captureLogs('web');
let registry: RegistryHarness;
let web: WebApp;
let origin: string;
let admin: Record<string, string>;

beforeAll(async () => {
  registry = await startRegistry(
    { ALLOW_SIGNUP: 'false', AUTH_RATE_LIMIT_PER_ADDRESS: '1000' },
    { logger: logs.logger },
  );
  await registry.app.listen({ port: 0, host: '127.0.0.1' });
  const registryUrl = `http://127.0.0.1:${(registry.app.server.address() as AddressInfo).port}`;
  web = await buildWeb(loadWebConfig({ REGISTRY_URL: registryUrl, LOG_LEVEL: 'silent' }), {
    logger: webLogs.logger,
  });
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
  return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
}

let counter = 0;
const freshEmail = () => `invitee${++counter}-${Date.now()}@example.com`;

async function invite(body: Record<string, unknown> = {}, by = admin) {
  const email = (body.email as string | undefined) ?? freshEmail();
  const created = await call('POST', '/api/admin/invitations', by, { email, ...body });
  expect(created.status, created.text).toBe(201);
  return { ...(created.json as { id: string; token: string; url: string; role: string }), email };
}

const accept = (token: string, password = 'my own passphrase', name?: string) =>
  call('POST', '/api/auth/invitations/accept', {}, { token, password, ...(name && { name }) });

async function pendingIds() {
  const list = await call('GET', '/api/admin/invitations', admin);
  expect(list.status).toBe(200);
  return list.json.items.map((item: { id: string }) => item.id) as string[];
}

describe('an admin invites a person', () => {
  it('the invitee sets a password through the link, becomes a user with a workspace, and is signed in', async () => {
    const invitation = await invite({ name: 'Grace' });
    expect(invitation.url).toBe(`/#/join/${invitation.token}`);
    expect(invitation.role).toBe('user');
    expect(await pendingIds()).toContain(invitation.id);

    const check = await call('POST', '/api/auth/invitations/check', {}, { token: invitation.token });
    expect(check.status).toBe(200);
    expect(check.json).toEqual({
      email: invitation.email,
      name: 'Grace',
      role: 'user',
      expiresAt: expect.any(String),
    });

    const joined = await accept(invitation.token);
    expect(joined.status, joined.text).toBe(201);
    expect(joined.json.user).toMatchObject({ email: invitation.email, name: 'Grace', role: 'user' });
    const invitee = bearer(joined.json.token);
    expect((await call('GET', '/api/auth/me', invitee)).json.email).toBe(invitation.email);
    const workspaces = await call('GET', '/api/workspaces', invitee);
    expect(workspaces.json.items).toEqual([expect.objectContaining({ personal: true, role: 'owner' })]);
    expect((await call('POST', '/api/gpts', invitee, { name: 'Mine', modelId: 'phi3' })).status).toBe(201);

    // Their own password signs them in; the link is spent and gone from the admin's list.
    const login = await call(
      'POST',
      '/api/auth/login',
      {},
      { email: invitation.email, password: 'my own passphrase' },
    );
    expect(login.status).toBe(200);
    const again = await accept(invitation.token, 'another passphrase');
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('INVITATION_USED');
    expect((await call('POST', '/api/auth/invitations/check', {}, { token: invitation.token })).status).toBe(
      409,
    );
    expect(await pendingIds()).not.toContain(invitation.id);
  });

  it('an invitation as admin makes an admin; the name given on joining wins', async () => {
    const invitation = await invite({ role: 'admin', name: 'Someone' });
    const joined = await accept(invitation.token, 'admin passphrase', 'Barbara');
    expect(joined.json.user).toMatchObject({ role: 'admin', name: 'Barbara' });
    expect((await call('GET', '/api/admin/users', bearer(joined.json.token))).status).toBe(200);
  });

  it.each([
    ['a line break', 'Grace\nHopper'],
    ['a tab', 'Grace\tHopper'],
    ['an escape', 'Grace \u001b[31mHopper'],
  ])(
    'refuses an invitation whose name holds %s with 400 INVALID_NAME, inviting no one',
    async (_label, name) => {
      const email = freshEmail();
      const created = await call('POST', '/api/admin/invitations', admin, { email, name });
      expect(created.status).toBe(400);
      expect(created.json.error).toEqual({
        code: 'INVALID_NAME',
        message: 'name may not hold control characters or line breaks',
      });
      const list = await call('GET', '/api/admin/invitations', admin);
      expect(list.json.items.map((item: { email: string }) => item.email)).not.toContain(email);
    },
  );

  it.each([
    ['a line break', 'Grace\nHopper'],
    ['a tab', 'Grace\tHopper'],
    ['an escape', 'Grace \u001b[31mHopper'],
  ])(
    'refuses joining under a name holding %s with 400 INVALID_NAME, keeping the link',
    async (_label, name) => {
      const invitation = await invite({ name: 'Grace' });
      const refused = await accept(invitation.token, 'my own passphrase', name);
      expect(refused.status).toBe(400);
      expect(refused.json.error).toEqual({
        code: 'INVALID_NAME',
        message: 'name may not hold control characters or line breaks',
      });
      const users = await registry.app.db
        .selectFrom('app_user')
        .select('id')
        .where('email', '=', invitation.email)
        .execute();
      expect(users).toEqual([]);
      expect(await pendingIds()).toContain(invitation.id);
      const joined = await accept(invitation.token);
      expect(joined.status, joined.text).toBe(201);
      expect(joined.json.user.name).toBe('Grace');
    },
  );

  it('the token is shown once: never in the list, never stored or logged as it is', async () => {
    const invitation = await invite();
    const list = await call('GET', '/api/admin/invitations', admin);
    expect(list.text).not.toContain(invitation.token);
    expect(list.json.items.find((item: { id: string }) => item.id === invitation.id)).not.toHaveProperty(
      'token',
    );
    const rows = await registry.app.db.selectFrom('account_invitation').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(invitation.token);
    await accept(invitation.token);
    expect(logs.text()).not.toContain(invitation.token);
    expect(webLogs.text()).not.toContain(invitation.token);
  });

  it('sign-up without an invitation stays closed, for the invited address too', async () => {
    const invitation = await invite();
    const signup = await call(
      'POST',
      '/api/auth/signup',
      {},
      { email: invitation.email, password: 'a long passphrase' },
    );
    expect(signup.status).toBe(403);
    expect(signup.json.error.code).toBe('SIGNUP_DISABLED');
    expect((await accept('not-a-real-invitation-token')).status).toBe(404);
    expect((await call('POST', '/api/auth/invitations/accept', {}, { password: 'long enough' })).status).toBe(
      400,
    );
  });
});

describe("a workspace invitation's token, which is in its URL", () => {
  it('is masked in every request log line, of the registry and of the origin', async () => {
    const member = await accept((await invite()).token);
    const memberAuth = bearer(member.json.token);
    const team = await call('POST', '/api/workspaces', admin, { name: 'Logged team' });
    expect(team.status, team.text).toBe(201);
    const created = await call('POST', `/api/workspaces/${team.json.id}/invitations`, admin, {
      email: member.json.user.email,
    });
    expect(created.status, created.text).toBe(201);
    const token = created.json.token as string;

    expect((await call('GET', `/api/invitations/${token}`, memberAuth)).status).toBe(200);
    const joined = await call('POST', `/api/invitations/${token}/accept`, memberAuth);
    expect(joined.status, joined.text).toBe(200);
    // A mistyped path is no route of the registry's; the origin answers it itself, and logs it.
    await call('GET', `/API/Invitations/${token}`, memberAuth);

    expect(logs.text()).not.toContain(token);
    expect(webLogs.text()).not.toContain(token);
    const loggedUrls = (lines: Array<Record<string, unknown>>) =>
      lines
        .map((line) => (line.req as { url?: string } | undefined)?.url)
        .filter((url) => url !== undefined && /invitations/i.test(url));
    expect(loggedUrls(logs.lines)).toEqual(
      expect.arrayContaining(['/api/invitations/***', '/api/invitations/***/accept']),
    );
    expect(loggedUrls(webLogs.lines)).toContain('/API/Invitations/***');
  });
});

describe('links that cannot be used', () => {
  it('an expired invitation is refused, listed as expired, and makes no account', async () => {
    const invitation = await invite({ expiresInHours: 1 });
    await registry.app.db
      .updateTable('account_invitation')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', invitation.id)
      .execute();
    const list = await call('GET', '/api/admin/invitations', admin);
    expect(list.json.items.find((item: { id: string }) => item.id === invitation.id)).toMatchObject({
      expired: true,
    });
    for (const refused of [
      await call('POST', '/api/auth/invitations/check', {}, { token: invitation.token }),
      await accept(invitation.token),
    ]) {
      expect(refused.status).toBe(409);
      expect(refused.json.error.code).toBe('INVITATION_EXPIRED');
    }
    const login = await call(
      'POST',
      '/api/auth/login',
      {},
      { email: invitation.email, password: 'my own passphrase' },
    );
    expect(login.status).toBe(401);
  });

  it('a revoked invitation is refused at once; revoking twice is 404', async () => {
    const invitation = await invite();
    expect((await call('DELETE', `/api/admin/invitations/${invitation.id}`, admin)).status).toBe(204);
    expect(await pendingIds()).not.toContain(invitation.id);
    const refused = await accept(invitation.token);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('INVITATION_REVOKED');
    expect((await call('DELETE', `/api/admin/invitations/${invitation.id}`, admin)).status).toBe(404);
  });

  it('inviting the same address again revokes the earlier link', async () => {
    const first = await invite();
    const second = await invite({ email: first.email });
    expect(await pendingIds()).toEqual(expect.arrayContaining([second.id]));
    expect(await pendingIds()).not.toContain(first.id);
    expect((await accept(first.token)).json.error.code).toBe('INVITATION_REVOKED');
    expect((await accept(second.token)).status).toBe(201);
  });

  it("an admin's links stop working when that admin is demoted", async () => {
    const helper = await accept((await invite({ role: 'admin' })).token);
    const helperAuth = bearer(helper.json.token);
    const invitation = await invite({}, helperAuth);
    await call('PATCH', `/api/admin/users/${helper.json.user.id}`, admin, { role: 'user' });
    const refused = await accept(invitation.token);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('INVITATION_REVOKED');
  });

  it('used once when two people race with the same link', async () => {
    const invitation = await invite();
    const results = await Promise.all([
      accept(invitation.token, 'first passphrase'),
      accept(invitation.token, 'second passphrase'),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual([201, 409]);
    const users = await registry.app.db
      .selectFrom('app_user')
      .select('id')
      .where('email', '=', invitation.email)
      .execute();
    expect(users).toHaveLength(1);
  });

  it('an address that already has an account cannot be invited (409), and a short password is 400 with the link kept', async () => {
    expect((await call('POST', '/api/admin/invitations', admin, { email: 'root@example.com' })).status).toBe(
      409,
    );
    const invitation = await invite();
    expect((await accept(invitation.token, 'short')).status).toBe(400);
    expect((await accept(invitation.token)).status).toBe(201);
  });
});

describe('only admins invite', () => {
  it('a user gets 403 ADMIN_ONLY, a read key of an admin 403 KEY_SCOPE, no credential 401', async () => {
    const member = await accept((await invite()).token);
    const memberAuth = bearer(member.json.token);
    const pending = await invite();
    for (const [method, path, body] of [
      ['POST', '/api/admin/invitations', { email: freshEmail() }],
      ['GET', '/api/admin/invitations', undefined],
      ['DELETE', `/api/admin/invitations/${pending.id}`, undefined],
    ] as const) {
      const refused = await call(method, path, memberAuth, body);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.json.error.code).toBe('ADMIN_ONLY');
      expect((await call(method, path, {}, body)).status).toBe(401);
    }
    const readKey = await call('POST', '/api/keys', admin, { name: 'dashboard', scope: 'read' });
    const byKey = await call('POST', '/api/admin/invitations', bearer(readKey.json.key), {
      email: freshEmail(),
    });
    expect(byKey.status).toBe(403);
    expect(byKey.json.error.code).toBe('KEY_SCOPE');
    // The refused attempts changed nothing: the pending link still works.
    expect((await accept(pending.token)).status).toBe(201);
  });
});
