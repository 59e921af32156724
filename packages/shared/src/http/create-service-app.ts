import { MAX_JSON_BODY_BYTES } from '@chatty/contracts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import type { Metric } from 'prom-client';
import { bodyDeadlinePlugin } from './body-deadline.js';
import { answerClientError } from './client-errors.js';
import { answerError, errorHandlerPlugin } from './error-handler.js';
import { livenessPlugin, type ReadinessCheck, readinessPlugin } from './health.js';
import { jsonBodiesPlugin } from './json-bodies.js';
import { metricsPlugin } from './metrics.js';
import { type OpenApiOptions, openApiPlugin } from './openapi.js';
import { createOpsApp, type OpsApp } from './ops-app.js';
import { AJV_OPTIONS, partValidators } from './part-validators.js';
import { refuseNulPlugin } from './refuse-nul.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
import { OneLineRequestLog } from './request-log.js';
import { formatSchemaErrors } from './schema-errors.js';
import { DEFAULT_SERVER_LIMITS, type ServerLimits, serverOptionsOf } from './server-limits.js';

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  readiness?: Record<string, ReadinessCheck>;
  openapi?: OpenApiOptions;
  trustProxy?: FastifyServerOptions['trustProxy'];
  bodyLimit?: number;
  /** How long clients may take over headers, bodies and idle connections; the defaults otherwise. */
  limits?: Partial<ServerLimits>;
  /**
   * For a service whose port is public: `/metrics` and `/health/ready` are served by a second app,
   * `app.ops`, which runService listens on at an address of its own, and answer 404 here.
   * `/health/live` stays on both (constant, free, and what a load balancer in front can probe).
   */
  opsListener?: boolean;
  /** Metrics of the service's own (a queue's depth, ...), registered beside the request metrics. */
  metrics?: Metric[];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** With `opsListener`: the app answering `/metrics` and `/health/*` on the ops address. */
    ops?: OpsApp;
  }
}

/**
 * The frame every Chatty service shares: request ids in and out, one error shape, health, metrics,
 * limits on slow and idle clients, and (for services with public routes) the OpenAPI document.
 * Routes are added by the caller.
 */
export async function createServiceApp(options: ServiceAppOptions) {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const app = Fastify({
    ...serverOptionsOf(limits),
    loggerInstance: options.logger,
    logController: new OneLineRequestLog(),
    genReqId: requestIdFrom,
    trustProxy: options.trustProxy ?? false,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerError,
    schemaErrorFormatter: formatSchemaErrors,
    bodyLimit: options.bodyLimit ?? MAX_JSON_BODY_BYTES,
    ajv: { customOptions: AJV_OPTIONS },
    // JSON bodies are checked as sent; query strings, path parameters and headers are coerced.
    schemaController: { compilersFactory: { buildValidator: partValidators() } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  await app.register(jsonBodiesPlugin);
  await app.register(bodyDeadlinePlugin, limits);
  await app.register(errorHandlerPlugin);
  await app.register(refuseNulPlugin);
  if (options.openapi) await app.register(openApiPlugin, options.openapi);
  if (options.opsListener) {
    const ops = await createOpsApp(options.logger, options.readiness ?? {}, limits);
    await app.register(livenessPlugin);
    await app.register(metricsPlugin, { service: options.service, serveOn: ops, metrics: options.metrics });
    app.decorate('ops', ops);
    // onClose runs once this app's in-flight requests are done: the ops side answers until then.
    app.addHook('onClose', async () => {
      await ops.close();
    });
  } else {
    await app.register(livenessPlugin);
    await app.register(readinessPlugin, { checks: options.readiness ?? {} });
    await app.register(metricsPlugin, { service: options.service, metrics: options.metrics });
  }
  return app;
}
