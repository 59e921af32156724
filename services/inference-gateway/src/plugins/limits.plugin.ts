import { type Logger, SlidingWindowLimiter } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { type ChatAdmission, chatAdmission } from '../limits/chat-admission.js';
import { GenerationLeases } from '../limits/generation-leases.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Fair-use limits of a chat request: a lease to release when its answer ends, or a 429. */
    admitChat: ChatAdmission;
    /** Where the limits are counted; undefined when every limit is off. */
    limitsRedis: Redis | undefined;
  }
}

/** Chat requests per minute and answers in progress, per user and per API key (0: off). */
export const limitsPlugin = fp(
  async (app: FastifyInstance, { redis, logger }: { redis: Redis; logger: Logger }) => {
    const { gatewayConfig: config } = app;
    const limits = {
      userPerMinute: config.CHAT_RATE_PER_MINUTE,
      userConcurrent: config.CHAT_MAX_CONCURRENT,
      keyPerMinute: config.CHAT_KEY_RATE_PER_MINUTE,
      keyConcurrent: config.CHAT_KEY_MAX_CONCURRENT,
    };
    const limitsOn = Object.values(limits).some((limit) => limit > 0);
    const leases = limitsOn
      ? new GenerationLeases(redis, config.CHAT_LEASE_TTL_MS, logger.child({ component: 'chat-limits' }))
      : undefined;
    app.decorate('limitsRedis', limitsOn ? redis : undefined);
    const limiter = new SlidingWindowLimiter(redis, `${config.REDIS_PREFIX}:rate-limit:`);
    app.decorate('admitChat', chatAdmission(limiter, limits, leases, config.REDIS_PREFIX));
    app.addHook('onClose', async () => leases?.close());
  },
  { name: 'gateway-limits', dependencies: ['gateway-config', 'gateway-redis'] },
);
