import { buildRegistry, loadRegistryConfig } from '@chatty/gpt-registry';
import { type PrivatePostgres, startTestS3, TEST_REDIS_URL, type TestS3 } from '@chatty/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMigratedPostgres } from '../../../../test/migrated-database.js';
import { createGpt, MODELS_JSON, signUp, TEST_SECRET } from '../harness.js';

/*
 * Postgres itself stopped and started again under a running registry (a database restart or
 * failover): requests in between get a clear 503 and store nothing, and the registry serves again once
 * the database is back, with no restart of its own and no stale answer.
 */
let postgres: PrivatePostgres;
let s3: TestS3;
let app: Awaited<ReturnType<typeof buildRegistry>>;

beforeAll(async () => {
  postgres = await startMigratedPostgres();
  s3 = await startTestS3();
  app = await buildRegistry(
    loadRegistryConfig({
      ...s3.env,
      DATABASE_URL: postgres.url('chatty'),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `chatty-test-restart-${Date.now()}`,
      SECRET_KEY: TEST_SECRET,
      MODELS_CONFIG: MODELS_JSON,
      LOG_LEVEL: 'silent',
      DB_POOL_MAX: '4',
    }),
  );
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await s3?.close();
  await postgres?.destroy();
});

it('answers 503 while Postgres is down, stores nothing, and serves fresh answers once it is back', async () => {
  const owner = await signUp(app);
  const gpt = await createGpt(app, owner.auth, { name: 'Before', modelId: 'phi3' });
  const get = (url: string) => app.inject({ method: 'GET', url, headers: owner.auth });
  expect((await get(`/api/gpts/${gpt.id}`)).json().name).toBe('Before');

  await postgres.stop();
  const list = await get('/api/gpts');
  expect(list.statusCode).toBe(503);
  expect(list.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
  expect(list.headers['retry-after']).toBeDefined();
  const created = await app.inject({
    method: 'POST',
    url: '/api/gpts',
    headers: owner.auth,
    payload: { name: 'During the outage', modelId: 'phi3' },
  });
  expect(created.statusCode).toBe(503);
  expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);

  await postgres.start();
  const deadline = Date.now() + 15_000;
  let back = await get('/api/gpts');
  while (back.statusCode !== 200 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    back = await get('/api/gpts');
  }
  expect(back.statusCode).toBe(200);
  expect(back.json().items.map((item: { name: string }) => item.name)).toEqual(['Before']);
  expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);

  // A change after the restart is seen at once: nothing held from before the outage is served.
  const renamed = await app.inject({
    method: 'PUT',
    url: `/api/gpts/${gpt.id}`,
    headers: owner.auth,
    payload: { name: 'After' },
  });
  expect(renamed.statusCode).toBe(200);
  expect((await get(`/api/gpts/${gpt.id}`)).json().name).toBe('After');
}, 60_000);
