import type { SlidingWindowLimiter } from '@chatty/shared';
import type { FastifyRequest } from 'fastify';

/**
 * Action executions per user in any minute. Every action reaches a host outside Chatty, so one user (or
 * a model looping on a tool) must not turn the runner into a load generator. The direct execute route
 * and the gateway's tool calls count on the same Redis key, shared by every replica.
 */
export function actionRateLimit(
  limiter: SlidingWindowLimiter,
  perMinute: number,
  userOf: (request: FastifyRequest) => string,
) {
  if (perMinute === 0) return async () => {};
  const limit = { max: perMinute, windowMs: 60_000 };
  return (request: FastifyRequest) =>
    limiter.enforce(
      `action-user:${userOf(request)}`,
      limit,
      (seconds) => `At most ${perMinute} action executions a minute; retry in ${seconds} s`,
    );
}
