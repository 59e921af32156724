import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    /** The `ingest` queue, counted for /metrics on every replica, worker or not. */
    ingestQueue: Queue;
  }
}

/** The queue (and its connection) that /metrics counts; the worker has connections of its own. */
export const queuePlugin = fp(
  async (app: FastifyInstance, { queue, redis }: { queue: Queue; redis: Redis }) => {
    app.decorate('ingestQueue', queue);
    app.addHook('onClose', async () => {
      await queue.close();
      redis.disconnect();
    });
  },
  { name: 'ingest-queue' },
);
