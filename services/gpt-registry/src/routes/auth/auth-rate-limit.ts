import type { SlidingWindowLimiter } from '@chatty/shared';
import type { FastifyRequest } from 'fastify';

export interface AuthRateLimits {
  perAddress: number;
  windowSeconds: number;
}

/**
 * The limit on every login and signup per client address (one host trying many accounts), counted in
 * Redis, shared by every replica. Wrong passwords for one account are slowed per address and account
 * together (auth/login-backoff.ts), so nobody can lock another user out.
 */
export function authRateLimit(limiter: SlidingWindowLimiter, limits: AuthRateLimits) {
  const limit = { max: limits.perAddress, windowMs: limits.windowSeconds * 1000 };
  return (request: FastifyRequest) => limiter.enforce(`address:${request.ip}`, limit);
}
