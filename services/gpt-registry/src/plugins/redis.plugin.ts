import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    /** Counters and caches every replica shares: rate limits, login backoff, live sessions. */
    redis: Redis;
  }
}

/** `owned`: made by this app, so disconnected when it closes; a given one is its giver's to close. */
export const redisPlugin = fp(
  async (app: FastifyInstance, { redis, owned }: { redis: Redis; owned: boolean }) => {
    app.decorate('redis', redis);
    if (owned) app.addHook('onClose', async () => redis.disconnect());
  },
  { name: 'registry-redis' },
);
