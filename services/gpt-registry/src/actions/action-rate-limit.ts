import { refuseOverLimit } from '@chatty/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Action executions per user per minute. Every action reaches a host outside Chatty, so one user (or
 * a model looping on a tool) must not turn the runner into a load generator. The direct execute route
 * and the gateway's tool calls count on the same Redis counter, shared by every replica.
 */
export function actionRateLimit(
  app: FastifyInstance,
  perMinute: number,
  userOf: (request: FastifyRequest) => string,
) {
  if (perMinute === 0) return async () => {};
  const limiter = app.createRateLimit({
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => `action-user:${userOf(request)}`,
  });
  return async (request: FastifyRequest) => {
    refuseOverLimit(
      await limiter(request),
      (seconds) => `At most ${perMinute} action executions a minute; retry in ${seconds} s`,
    );
  };
}
