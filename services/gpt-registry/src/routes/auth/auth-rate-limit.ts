import { refuseOverLimit } from '@chatty/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface AuthRateLimits {
  perAddress: number;
  windowSeconds: number;
}

/**
 * The limit on every login and signup per client address (one host trying many accounts), counted in
 * Redis, shared by every replica. Wrong passwords for one account are slowed per address and account
 * together (auth/login-backoff.ts), so nobody can lock another user out.
 */
export function authRateLimit(app: FastifyInstance, limits: AuthRateLimits) {
  const timeWindow = limits.windowSeconds * 1000;
  const limiters = [
    app.createRateLimit({ max: limits.perAddress, timeWindow, keyGenerator: (req) => `address:${req.ip}` }),
  ];
  return async (request: FastifyRequest) => {
    for (const limiter of limiters) {
      refuseOverLimit(await limiter(request));
    }
  };
}
