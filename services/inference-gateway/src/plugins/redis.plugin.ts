import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { Confirmations } from '../chat/confirmations.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Side-effecting action calls waiting for the user's word (shared by the replicas). */
    confirmations: Confirmations;
  }
}

/**
 * Redis holds what every replica must see alike: pending confirmations, and the limits' counters
 * (limits.plugin.ts).
 */
export const redisPlugin = fp(
  async (app: FastifyInstance, { redis }: { redis: Redis }) => {
    const { gatewayConfig: config } = app;
    app.decorate(
      'confirmations',
      new Confirmations(redis, config.REDIS_PREFIX, config.CONFIRMATION_TIMEOUT_MS),
    );
    // quit, not disconnect: slots released by the last answers still reach Redis.
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
  },
  { name: 'gateway-redis', dependencies: ['gateway-config'] },
);
