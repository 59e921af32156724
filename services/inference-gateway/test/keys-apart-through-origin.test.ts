import { rotateActionSecrets } from '@chatty/gpt-registry';
import { createLogger, deriveKey, serviceToken } from '@chatty/shared';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSecrets } from '../../gpt-registry/src/actions/secret-headers.js';
import { actionSecretKeys } from '../../gpt-registry/src/auth/action-secret-keys.js';
import { TEST_SECRET } from '../../gpt-registry/test/harness.js';
import {
  bearer,
  callThrough,
  INGEST_TOKEN,
  type OriginStack,
  RUNNER_TOKEN,
  startOriginStack,
} from './origin-stack.js';

/*
 * Keys kept apart, through the public origin with every service on its port: the session-signing key
 * rotates with an overlap (on the registry and the gateway, which both verify sessions) without
 * touching action secrets, and the action-runner's and file-ingest's own credentials open nothing
 * but their own service — not a user's session, not another service's routes, not action secrets.
 */
const FIRST_KEY = 'the-first-session-signing-key-0123456789abcdef';
const SECOND_KEY = 'the-second-session-signing-key-0123456789abcdef';
const SECRET_HEADER = 'Bearer sk-kept-apart-4d21f0';
const NEW_ACTION_KEY = 'a-new-key-of-action-secrets-0123456789abcdef';
const NEW_MASTER_SECRET = 'an-entirely-different-master-secret-0123456789';
let stack: OriginStack;
let call: (
  method: string,
  path: string,
  headers?: Record<string, string>,
  body?: unknown,
) => ReturnType<typeof callThrough>;

beforeAll(async () => {
  stack = await startOriginStack({
    registryEnv: { SESSION_SIGNING_KEY: FIRST_KEY },
    gatewayEnv: { SESSION_SIGNING_KEY: FIRST_KEY },
  });
  call = (method, path, headers = {}, body) => callThrough(stack.origin, method, path, headers, body);
});
afterAll(() => stack?.close());

let counter = 0;
async function ownerWithAction() {
  const email = `keys${++counter}-${Date.now()}@example.com`;
  const signup = await call('POST', '/api/auth/signup', {}, { email, password: 'correct horse battery' });
  expect(signup.status, signup.text).toBe(201);
  const auth = bearer(signup.json.token);
  const gpt = await call('POST', '/api/gpts', auth, { name: 'Orders', modelId: 'phi3' });
  const action = await call('POST', `/api/gpts/${gpt.json.id}/actions`, auth, {
    name: 'orders',
    url: `${stack.target.url}/orders`,
    headers: { Authorization: SECRET_HEADER },
  });
  expect(action.status, action.text).toBe(201);
  return {
    email,
    userId: signup.json.user.id as string,
    token: signup.json.token as string,
    gptId: gpt.json.id as string,
    actionId: action.json.id as string,
  };
}

/** [registry, gateway] statuses for a token: `/api/auth/me` and the GPT's chat sessions. */
async function statuses(token: string, gptId: string) {
  return [
    (await call('GET', '/api/auth/me', bearer(token))).status,
    (await call('GET', `/api/gpts/${gptId}/sessions`, bearer(token))).status,
  ];
}

/** Runs the action through the origin: true when the target got the stored secret. */
async function secretReachesTarget(token: string, actionId: string) {
  const before = stack.target.received.length;
  const run = await call('POST', `/api/gpts/actions/${actionId}/execute`, bearer(token), { arguments: {} });
  return (
    run.status === 200 &&
    stack.target.received.length === before + 1 &&
    stack.target.received.at(-1)!.headers.authorization === SECRET_HEADER
  );
}

async function login(email: string) {
  const response = await call('POST', '/api/auth/login', {}, { email, password: 'correct horse battery' });
  expect(response.status).toBe(200);
  return response.json.token as string;
}

const kid = (token: string) => decodeProtectedHeader(token).kid;

/** What a compromised runner or ingest worker could present as a session: its own credential, or a JWT it signs with it. */
async function forgedSessions(credential: string, userId: string, sessionId: string) {
  const forge = (key: Uint8Array, kidHeader?: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', ...(kidHeader && { kid: kidHeader }) })
      .setSubject(userId)
      .setJti(sessionId)
      .setIssuer('chatty')
      .setAudience('chatty-api')
      .setExpirationTime('1h')
      .sign(key);
  return [
    credential,
    await forge(Buffer.from(credential)),
    await forge(deriveKey(credential, 'session-token')),
  ];
}

describe("the action-runner's and file-ingest's credentials", () => {
  it("are not a user's session, nor a key to sign one, on the registry or the gateway", async () => {
    const owner = await ownerWithAction();
    const sessions = await call('GET', '/api/auth/sessions', bearer(owner.token));
    const sessionId = sessions.json.items[0].id as string;
    for (const credential of [RUNNER_TOKEN, INGEST_TOKEN]) {
      for (const token of await forgedSessions(credential, owner.userId, sessionId)) {
        for (const [method, path] of [
          ['GET', '/api/auth/me'],
          ['GET', `/api/gpts/${owner.gptId}`],
          ['GET', `/api/gpts/${owner.gptId}/actions`],
          ['GET', `/api/gpts/${owner.gptId}/sessions`],
          ['GET', '/v1/models'],
        ] as const) {
          expect((await call(method, path, bearer(token))).status, `${method} ${path}`).toBe(401);
        }
      }
      // Sent as a service credential to the origin, it is nobody.
      expect((await call('GET', '/api/auth/me', { 'x-service-token': credential })).status).toBe(401);
    }
    expect(await statuses(owner.token, owner.gptId)).toEqual([200, 200]);
  });

  it('open no internal route of another service; each opens its own service only', async () => {
    const owner = await ownerWithAction();
    const direct = async (base: string, method: string, path: string, token: string, body?: unknown) =>
      (await callThrough(base, method, path, { 'x-service-token': token }, body)).status;
    const registryRoutes = [
      ['POST', '/internal/auth/session', { sessionId: owner.userId, userId: owner.userId }],
      ['POST', '/internal/auth/api-key', { key: 'chatty_x' }],
      ['GET', `/internal/gpts/${owner.gptId}/runtime?userId=${owner.userId}`, undefined],
      ['POST', `/internal/actions/${owner.actionId}/execute`, { userId: owner.userId, arguments: {} }],
      ['POST', '/internal/lookup', { userId: owner.userId }],
      ['GET', `/internal/gpts/${owner.gptId}/context`, undefined],
      ['GET', `/internal/users/${owner.userId}/role`, undefined],
    ] as const;
    for (const credential of [RUNNER_TOKEN, INGEST_TOKEN]) {
      for (const [method, path, body] of registryRoutes) {
        expect(await direct(stack.registryUrl, method, path, credential, body), `registry ${path}`).toBe(404);
      }
      expect(
        await direct(stack.gatewayUrl, 'DELETE', `/internal/gpts/${owner.gptId}/sessions`, credential),
      ).toBe(404);
    }
    const spec = { method: 'GET', url: `${stack.target.url}/x`, headers: {}, query: {}, arguments: {} };
    const search = { gptId: owner.gptId, query: 'anything', budgetTokens: 100 };
    expect(await direct(stack.runnerUrl, 'POST', '/internal/execute', INGEST_TOKEN, spec)).toBe(404);
    expect(await direct(stack.ingestUrl, 'POST', '/internal/search', RUNNER_TOKEN, search)).toBe(404);
    expect(await direct(stack.runnerUrl, 'POST', '/internal/execute', RUNNER_TOKEN, spec)).toBe(200);
    expect(await direct(stack.ingestUrl, 'POST', '/internal/search', INGEST_TOKEN, search)).toBe(200);
    // The registry's own credential (derived from SECRET_KEY, which neither holds) does work there.
    expect(
      await direct(
        stack.registryUrl,
        'POST',
        '/internal/auth/api-key',
        serviceToken(TEST_SECRET, 'gpt-registry'),
        {
          key: 'chatty_not_a_real_key_0000000000',
        },
      ),
    ).not.toBe(404);
    // And the origin does not forward internal routes to anyone.
    for (const credential of [RUNNER_TOKEN, INGEST_TOKEN, serviceToken(TEST_SECRET, 'gpt-registry')]) {
      expect(
        (await call('POST', '/internal/auth/session', { 'x-service-token': credential }, {})).status,
      ).toBe(404);
      expect(
        (await call('DELETE', `/internal/gpts/${owner.gptId}/sessions`, { 'x-service-token': credential }))
          .status,
      ).toBe(404);
    }
  });

  it('cannot read action secrets: none of the keys they could derive opens the stored value', async () => {
    const owner = await ownerWithAction();
    const row = await stack.registry.db
      .selectFrom('gpt_action')
      .select(['id', 'url', 'secret_headers'])
      .where('id', '=', owner.actionId)
      .executeTakeFirstOrThrow();
    expect(row.secret_headers).not.toContain('sk-kept-apart');
    // The registry's keyring opens it...
    expect(openSecrets(actionSecretKeys(undefined, TEST_SECRET), row.secret_headers, row)).toEqual({
      Authorization: SECRET_HEADER,
    });
    // ...and nothing made from the runner's or file-ingest's credential does.
    for (const credential of [RUNNER_TOKEN, INGEST_TOKEN]) {
      for (const keys of [
        actionSecretKeys(undefined, credential),
        actionSecretKeys(`0:${credential}`, credential),
      ]) {
        expect(() => openSecrets(keys, row.secret_headers, row)).toThrow();
      }
    }
    // The runner sees a secret only inside the one call it makes, and no route gives it out.
    const listed = await call('GET', `/api/gpts/${owner.gptId}/actions`, bearer(owner.token));
    expect(listed.json.items[0].headers).toEqual({ Authorization: '***' });
  });
});

// The rotations come last: they leave the stack on other keys than the tests above assume.
describe('rotating the session-signing key', () => {
  it('keeps sessions signed with the previous key working during the overlap, ends them after, and never touches action secrets', async () => {
    const owner = await ownerWithAction();
    expect(await statuses(owner.token, owner.gptId)).toEqual([200, 200]);
    expect(await secretReachesTarget(owner.token, owner.actionId)).toBe(true);

    // The overlap: the new key signs, the previous one still verifies. Verifiers (the gateway) first,
    // then the registry, which signs: no token it hands out is unknown to a service.
    const overlap = { SESSION_SIGNING_KEY: SECOND_KEY, SESSION_SIGNING_KEY_PREVIOUS: FIRST_KEY };
    await stack.restartGateway(overlap);
    expect(await statuses(owner.token, owner.gptId)).toEqual([200, 200]);
    await stack.restartRegistry(overlap);
    expect(await statuses(owner.token, owner.gptId)).toEqual([200, 200]);
    const fresh = await login(owner.email);
    expect(kid(fresh)).not.toBe(kid(owner.token));
    expect(await statuses(fresh, owner.gptId)).toEqual([200, 200]);
    expect(await secretReachesTarget(fresh, owner.actionId)).toBe(true);
    // Signing out still ends an old-key session everywhere.
    const other = await ownerWithAction();
    expect((await call('POST', '/api/auth/logout', bearer(other.token))).status).toBe(204);
    expect(await statuses(other.token, other.gptId)).toEqual([401, 401]);

    // The previous key removed: its sessions end on both services; the new ones and the secrets stay.
    await stack.restartGateway({ SESSION_SIGNING_KEY: SECOND_KEY });
    await stack.restartRegistry({ SESSION_SIGNING_KEY: SECOND_KEY });
    expect(await statuses(owner.token, owner.gptId)).toEqual([401, 401]);
    expect(await statuses(fresh, owner.gptId)).toEqual([200, 200]);
    expect(await secretReachesTarget(fresh, owner.actionId)).toBe(true);
  });
});

describe('rotating the keys of action secrets, then SECRET_KEY itself', () => {
  it('re-seals every secret under the new key; with the keys set apart, a new SECRET_KEY signs nobody out and loses no secret', async () => {
    const kept = { SESSION_SIGNING_KEY: SECOND_KEY };
    await stack.restartGateway(kept);
    await stack.restartRegistry(kept);
    const owner = await ownerWithAction();
    const actionKeys = `1:${NEW_ACTION_KEY}`;

    // A new key in front: new secrets are sealed under it, old ones still open.
    await stack.restartRegistry({ ...kept, ACTION_SECRETS_KEYS: actionKeys });
    expect(await secretReachesTarget(owner.token, owner.actionId)).toBe(true);
    const report = await rotateActionSecrets(
      stack.registry.db,
      actionSecretKeys(actionKeys, TEST_SECRET),
      createLogger({ name: 'rotation', level: 'silent' }),
    );
    expect(report.unreadable).toEqual([]);
    const sealed = await stack.registry.db
      .selectFrom('gpt_action')
      .select('secret_headers')
      .where('id', '=', owner.actionId)
      .executeTakeFirstOrThrow();
    expect(sealed.secret_headers).toMatch(/^v3:1:/);

    // The master secret changes on the registry and the gateway together: what it still derives (their
    // credentials for each other) follows, and nothing else notices.
    const moved = { ...kept, ACTION_SECRETS_KEYS: actionKeys, SECRET_KEY: NEW_MASTER_SECRET };
    await stack.restartGateway(moved);
    await stack.restartRegistry(moved);
    expect(await statuses(owner.token, owner.gptId)).toEqual([200, 200]);
    const chat = await call('POST', `/api/gpts/${owner.gptId}/sessions`, bearer(owner.token), {});
    expect(chat.status).toBe(201);
    expect(await secretReachesTarget(owner.token, owner.actionId)).toBe(true);
  });
});
