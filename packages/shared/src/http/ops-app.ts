import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import { errorHandlerPlugin } from './error-handler.js';
import { livenessPlugin, type ReadinessCheck, readinessPlugin } from './health.js';
import { requestIdFrom } from './request-id.js';
import { OneLineRequestLog } from './request-log.js';
import { type ServerLimits, serverOptionsOf } from './server-limits.js';

/**
 * The operators' side of a service whose own port is public: `/health/live`, `/health/ready` and
 * (added by metricsPlugin) `/metrics`, on an address of their own that only the orchestrator and
 * Prometheus reach. Readiness sends a request to every dependency on each call and names what failed
 * and why (internal addresses); metrics show the routes and the traffic: neither is for the internet.
 */
export async function createOpsApp(
  logger: Logger,
  checks: Record<string, ReadinessCheck>,
  limits: ServerLimits,
) {
  // Typed as fastify's logger, so the ops app is a plain FastifyInstance that plugins register on.
  const opsLogger: FastifyBaseLogger = logger.child({ listener: 'ops' });
  const ops = Fastify({
    ...serverOptionsOf(limits),
    loggerInstance: opsLogger,
    logController: new OneLineRequestLog(),
    genReqId: requestIdFrom,
  });
  await ops.register(errorHandlerPlugin);
  await ops.register(livenessPlugin);
  await ops.register(readinessPlugin, { checks });
  return ops;
}

export type OpsApp = Awaited<ReturnType<typeof createOpsApp>>;
