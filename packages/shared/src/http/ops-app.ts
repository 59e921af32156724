import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { installErrorHandlers } from './error-handler.js';
import { installLiveness, installReadiness, type ReadinessCheck } from './health.js';
import { requestIdFrom } from './request-id.js';
import { type ServerLimits, serverOptionsOf } from './server-limits.js';

/**
 * The operators' side of a service whose own port is public: `/health/live`, `/health/ready` and
 * (added by installMetrics) `/metrics`, on an address of their own that only the orchestrator and
 * Prometheus reach. Readiness sends a request to every dependency on each call and names what failed
 * and why (internal addresses); metrics show the routes and the traffic: neither is for the internet.
 */
export function createOpsApp(
  logger: Logger,
  checks: Record<string, ReadinessCheck>,
  limits: ServerLimits,
): FastifyInstance {
  const ops = Fastify({
    ...serverOptionsOf(limits),
    loggerInstance: logger.child({ listener: 'ops' }),
    genReqId: requestIdFrom,
  }) as unknown as FastifyInstance;
  installErrorHandlers(ops);
  installLiveness(ops);
  installReadiness(ops, checks);
  return ops;
}
