import { INGEST_QUEUE, type IngestJob } from '@chatty/shared';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createGpt, type Stack, signUp, startStack } from './harness.js';

export interface IdleQueue {
  stack: Stack;
  owner: Awaited<ReturnType<typeof signUp>>;
  gptId: string;
  /** The ingest queue, on the stack's Redis and prefix, to look at or doctor its jobs. */
  queue: Queue<IngestJob>;
  connection: Redis;
}

/**
 * For the file's tests (in `beforeAll`/`afterAll`): a stack with no ingest worker, so each test
 * decides who processes the jobs, an owner with a GPT, and the ingest queue. The fields are set once
 * `beforeAll` has run.
 */
export function idleQueueStack(): IdleQueue {
  const idle = {} as IdleQueue;
  beforeAll(async () => {
    idle.stack = await startStack({ worker: false });
    idle.owner = await signUp(idle.stack.registry.app);
    idle.gptId = (await createGpt(idle.stack.registry.app, idle.owner.auth)).id;
    idle.connection = new Redis(idle.stack.ingestEnv.REDIS_URL!, { maxRetriesPerRequest: null });
    idle.queue = new Queue<IngestJob>(INGEST_QUEUE, {
      connection: idle.connection,
      prefix: idle.stack.ingestEnv.REDIS_PREFIX,
    });
  });
  afterAll(async () => {
    await idle.queue?.obliterate({ force: true }).catch(() => {});
    await idle.queue?.close();
    idle.connection?.disconnect();
    await idle.stack?.close();
  });
  return idle;
}
