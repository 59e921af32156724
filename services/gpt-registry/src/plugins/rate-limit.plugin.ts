import { SlidingWindowLimiter } from '@chatty/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { actionRateLimit } from '../actions/action-rate-limit.js';
import { LoginBackoff } from '../auth/login-backoff.js';
import { authRateLimit } from '../routes/auth/auth-rate-limit.js';

type PreHandler = (request: FastifyRequest) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler of sign-up, sign-in and joining: AUTH_RATE_LIMIT_PER_ADDRESS per client address. */
    authRateLimit: PreHandler;
    /** Wrong passwords slowed per address and account together. */
    loginBackoff: LoginBackoff;
    /** preHandler counting ACTION_RATE_PER_MINUTE executions per user, whoever `userOf` names. */
    actionRateLimit(userOf: (request: FastifyRequest) => string): PreHandler;
  }
}

/** The limits counted in Redis, shared by every replica. */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, { nameSpace }: { nameSpace: string | undefined }) => {
    const { registryConfig: config } = app;
    const limiter = new SlidingWindowLimiter(app.redis, nameSpace ?? `${config.REDIS_PREFIX}:rate-limit:`);
    app.decorate(
      'authRateLimit',
      authRateLimit(limiter, {
        perAddress: config.AUTH_RATE_LIMIT_PER_ADDRESS,
        windowSeconds: config.AUTH_RATE_LIMIT_WINDOW_SECONDS,
      }),
    );
    app.decorate(
      'loginBackoff',
      new LoginBackoff(
        app.redis,
        config.REDIS_PREFIX,
        config.AUTH_RATE_LIMIT_PER_ACCOUNT,
        config.AUTH_BACKOFF_MAX_SECONDS,
      ),
    );
    app.decorate('actionRateLimit', (userOf: (request: FastifyRequest) => string) =>
      actionRateLimit(limiter, config.ACTION_RATE_PER_MINUTE, userOf),
    );
  },
  { name: 'registry-rate-limit', dependencies: ['registry-config', 'registry-redis'] },
);
