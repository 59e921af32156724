import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildActionRunner, loadActionRunnerConfig } from '@chatty/action-runner';
import {
  actionSecretKeys,
  buildRegistry,
  loadRegistryConfig,
  type RegistryApp,
  rotateActionSecrets,
} from '@chatty/gpt-registry';
import { createLogger, serviceToken } from '@chatty/shared';
import { TEST_REDIS_URL, testNamespace } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, MODELS_JSON, signUp, TEST_SECRET } from '../harness.js';
import { type ActionStack, startActionStack } from './action-stack.js';

/*
 * The session-signing key, the keys of action secrets and the services' credentials are separate:
 * rotating one leaves the others working, and the action-runner holds none of the master's power.
 */
const SECRET_HEADER = 'Bearer sk-rotation-secret-31c9';
const NEW_ACTION_KEY = 'action-secrets-key-number-one-0123456789abcdef';
let stack: ActionStack;
const extra: RegistryApp[] = [];

beforeAll(async () => {
  stack = await startActionStack();
});
afterAll(async () => {
  for (const app of extra) await app.close();
  await stack.close();
});

/** Another registry on the same database, Redis prefix and runner, with `env` over the test settings. */
async function registryWith(env: Record<string, string>) {
  const app = await buildRegistry(
    loadRegistryConfig({
      ...stack.registry.s3.env,
      DATABASE_URL: stack.registry.database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: stack.registry.queuePrefix,
      SECRET_KEY: TEST_SECRET,
      MODELS_CONFIG: MODELS_JSON,
      ACTION_RUNNER_URL: stack.runnerUrl,
      LOG_LEVEL: 'silent',
      DB_POOL_MAX: '2',
      ...env,
    }),
    { rateLimitNamespace: testNamespace('rate-limit') },
  );
  extra.push(app);
  return app;
}

async function actionWithSecret(app: RegistryApp) {
  const owner = await signUp(app);
  const gpt = await createGpt(app, owner.auth);
  const created = await app.inject({
    method: 'POST',
    url: `/api/gpts/${gpt.id}/actions`,
    headers: owner.auth,
    payload: {
      name: 'orders',
      url: `${stack.target.url}/echo-headers`,
      headers: { Authorization: SECRET_HEADER },
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  return { owner, actionId: created.json().id as string };
}

async function runs(app: RegistryApp, auth: Record<string, string>, actionId: string) {
  const response = await app.inject({
    method: 'POST',
    url: `/api/gpts/actions/${actionId}/execute`,
    headers: auth,
    payload: { arguments: {} },
  });
  return response.statusCode === 200 && stack.target.received.at(-1)!.headers.authorization === SECRET_HEADER;
}

async function login(app: RegistryApp, email: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: 'correct horse battery' },
  });
  return { authorization: `Bearer ${response.json().token}` };
}

describe('keys kept apart', () => {
  it('rotating the session-signing key signs everyone out and leaves action secrets readable', async () => {
    const { owner, actionId } = await actionWithSecret(stack.registry.app);
    const rotated = await registryWith({ SESSION_SIGNING_KEY: 'a-new-session-signing-key-0123456789abcdef' });
    expect(
      (await rotated.inject({ method: 'GET', url: '/api/auth/me', headers: owner.auth })).statusCode,
    ).toBe(401);
    const fresh = await login(rotated, owner.email);
    expect(await runs(rotated, fresh, actionId)).toBe(true);
  });

  it('a new action-secrets key, the documented re-sealing, then a new SECRET_KEY: secrets still open', async () => {
    const { owner, actionId } = await actionWithSecret(stack.registry.app);
    const keyed = await registryWith({ ACTION_SECRETS_KEYS: `1:${NEW_ACTION_KEY}` });
    // Before re-sealing, the old (derived) key still opens what it sealed.
    expect(await runs(keyed, await login(keyed, owner.email), actionId)).toBe(true);

    const keyring = actionSecretKeys(`1:${NEW_ACTION_KEY}`, TEST_SECRET);
    const log = createLogger({ name: 'rotation', level: 'silent' });
    const report = await rotateActionSecrets(keyed.db, keyring, log);
    expect(report.resealed).toBeGreaterThanOrEqual(1);
    expect(report.unreadable).toEqual([]);
    const row = await keyed.db
      .selectFrom('gpt_action')
      .select('secret_headers')
      .where('id', '=', actionId)
      .executeTakeFirstOrThrow();
    expect(row.secret_headers).toMatch(/^v3:1:/);
    expect((await rotateActionSecrets(keyed.db, keyring, log)).resealed).toBe(0);

    // SECRET_KEY replaced: the derived key is gone, the configured one still opens every secret.
    const other = await registryWith({
      SECRET_KEY: 'an-entirely-different-master-secret-00000000',
      ACTION_SECRETS_KEYS: `1:${NEW_ACTION_KEY}`,
      ACTION_RUNNER_TOKEN: serviceToken(TEST_SECRET, 'action-runner'),
    });
    expect(await runs(other, await login(other, owner.email), actionId)).toBe(true);
  });
});

describe('service credentials', () => {
  it("the runner starts on its own token without SECRET_KEY, and that token opens no other service's routes", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chatty-runner-'));
    const token = 'a-runner-only-credential-0123456789abcdef';
    const runner = await buildActionRunner(
      loadActionRunnerConfig({ ACTION_RUNNER_TOKEN: token, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
    );
    try {
      // No master secret was generated for it.
      expect(readdirSync(dataDir)).toEqual([]);
      const spec = { method: 'GET', url: `${stack.target.url}/x`, headers: {}, query: {}, arguments: {} };
      const withOwn = await runner.inject({
        method: 'POST',
        url: '/internal/execute',
        headers: { 'x-service-token': token },
        payload: spec,
      });
      expect(withOwn.statusCode).not.toBe(404);
      const withRegistrys = await runner.inject({
        method: 'POST',
        url: '/internal/execute',
        headers: { 'x-service-token': serviceToken(TEST_SECRET, 'gpt-registry') },
        payload: spec,
      });
      expect(withRegistrys.statusCode).toBe(404);
    } finally {
      await runner.close();
    }

    // What the runner holds opens nothing on the registry: not its internal routes, not a session.
    const runnerToken = serviceToken(TEST_SECRET, 'action-runner');
    const { owner, actionId } = await actionWithSecret(stack.registry.app);
    const internal = await stack.registry.app.inject({
      method: 'POST',
      url: `/internal/actions/${actionId}/execute`,
      headers: { 'x-service-token': runnerToken },
      payload: { userId: owner.user.id, arguments: {} },
    });
    expect(internal.statusCode).toBe(404);
    const asSession = await stack.registry.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${runnerToken}` },
    });
    expect(asSession.statusCode).toBe(401);
  });

  it('internal routes refuse a caller without the credential before reading its body', async () => {
    const response = await stack.registry.app.inject({
      method: 'POST',
      url: '/internal/auth/api-key',
      headers: { 'content-type': 'application/json' },
      payload: '{"key": not json at all',
    });
    // 404 (the credential), not 400 (the body): the body was never parsed.
    expect(response.statusCode).toBe(404);
  });
});
