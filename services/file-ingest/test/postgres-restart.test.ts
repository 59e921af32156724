import { loadIngestConfig, startWorker } from '@chatty/file-ingest';
import { INGEST_QUEUE } from '@chatty/shared';
import { type PrivatePostgres, TEST_REDIS_URL } from '@chatty/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMigratedPostgres } from '../../../test/migrated-database.js';
import { createGpt, type Stack, search, signUp, startStack, upload, waitUntilDone } from './harness.js';

/*
 * Postgres stopped under the ingest worker and started again: the job fails while the database is
 * away, is tried again after the queue's backoff, and the file becomes ready, with no restart.
 */
let postgres: PrivatePostgres;
let stack: Stack;
let redis: Redis;
let queue: Queue;

beforeAll(async () => {
  postgres = await startMigratedPostgres();
  // The worker starts in the test, once the database is down.
  stack = await startStack({ worker: false, env: { DATABASE_URL: postgres.url('chatty') } });
  redis = new Redis(TEST_REDIS_URL);
  queue = new Queue(INGEST_QUEUE, { connection: redis, prefix: stack.registry.queuePrefix });
}, 60_000);

afterAll(async () => {
  await queue?.close();
  redis?.disconnect();
  await stack?.close();
  await postgres?.destroy();
});

it('retries a file whose first attempt met Postgres down, and makes it ready once Postgres is back', async () => {
  const owner = await signUp(stack.registry.app);
  const gptId = (await createGpt(stack.registry.app, owner.auth)).id;
  const text = 'The harbour ferry leaves at seven every morning.';
  const fileId = (await upload(stack, owner.auth, gptId, 'ferry.txt', Buffer.from(text))).json().id as string;

  await postgres.stop();
  await startWorker(stack.ingest, loadIngestConfig({ ...stack.ingestEnv, INGEST_WORKER: 'true' }));
  // The first attempt fails on the database, and the queue schedules the next one after its backoff.
  const deadline = Date.now() + 15_000;
  let job = await queue.getJob(fileId);
  while (!(job && job.attemptsMade >= 1 && (await job.isDelayed())) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    job = await queue.getJob(fileId);
  }
  expect(job?.attemptsMade).toBe(1);
  expect(await job?.isDelayed()).toBe(true);

  await postgres.start();
  const file = await waitUntilDone(stack, owner.auth, fileId, 30_000);
  expect(file.status).toBe('ready');
  const found = await search(stack, { gptId, query: 'ferry', k: 1, budgetTokens: 500 });
  expect(found.chunks[0]!.text).toContain('harbour ferry');
}, 60_000);
