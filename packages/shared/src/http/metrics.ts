import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { quieterOf } from './health.js';

/**
 * Measures `app`'s requests and answers `/metrics` on `serveOn`: the app itself, or the ops app of a
 * service whose own port is public. A registry per app, so several apps in one process (tests,
 * benches) never collide.
 */
export function installMetrics(
  app: FastifyInstance,
  service: string,
  serveOn: FastifyInstance = app,
): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: ids in paths would explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    if (route.startsWith('/metrics') || route.startsWith('/health')) return;
    duration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  serveOn.get(
    '/metrics',
    { schema: { hide: true }, logLevel: quieterOf(serveOn.log.level, 'warn') },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
  return registry;
}
