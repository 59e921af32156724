import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, type Metric, Registry } from 'prom-client';
import { quieterOf } from './health.js';

export interface MetricsOptions {
  service: string;
  /** Where `/metrics` is answered: the ops app of a service whose own port is public; the app by default. */
  serveOn?: FastifyInstance | undefined;
  /** Metrics of the service's own (a queue's depth, ...), registered beside the request metrics. */
  metrics?: Metric[] | undefined;
}

/**
 * Measures `app`'s requests and answers `/metrics` on `serveOn`: the app itself, or the ops app of a
 * service whose own port is public. A registry per app, so several apps in one process (tests,
 * benches) never collide.
 */
export const metricsPlugin = fp(
  async (app: FastifyInstance, options: MetricsOptions) => {
    const registry = installMetrics(app, options.service, options.serveOn ?? app);
    for (const metric of options.metrics ?? []) registry.registerMetric(metric);
  },
  { name: 'chatty-metrics' },
);

function installMetrics(app: FastifyInstance, service: string, serveOn: FastifyInstance): Registry {
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
