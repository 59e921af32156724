import { tooManyRequests } from '@chatty/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface AuthRateLimits {
  perAddress: number;
  perAccount: number;
  windowSeconds: number;
}

/**
 * Two limits on every login and signup: per client address (one host trying many accounts) and per
 * account (many hosts trying one password). Counters live in Redis, shared by every replica.
 */
export function authRateLimit(app: FastifyInstance, limits: AuthRateLimits) {
  const timeWindow = limits.windowSeconds * 1000;
  const limiters = [
    app.createRateLimit({ max: limits.perAddress, timeWindow, keyGenerator: (req) => `address:${req.ip}` }),
    app.createRateLimit({
      max: limits.perAccount,
      timeWindow,
      keyGenerator: (req) => `account:${emailOf(req)}`,
    }),
  ];
  return async (request: FastifyRequest) => {
    for (const limiter of limiters) {
      const result = await limiter(request);
      if (!result.isAllowed && result.isExceeded) throw tooManyRequests(Math.max(1, result.ttlInSeconds));
    }
  };
}

function emailOf(request: FastifyRequest): string {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
}
