import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { installErrorHandlers } from './error-handler.js';
import { installHealth, type ReadinessCheck } from './health.js';
import { installMetrics } from './metrics.js';
import { installOpenApi, type OpenApiOptions } from './openapi.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  readiness?: Record<string, ReadinessCheck>;
  openapi?: OpenApiOptions;
  trustProxy?: FastifyServerOptions['trustProxy'];
  bodyLimit?: number;
}

/**
 * The frame every Chatty service shares: request ids in and out, one error shape, health, metrics,
 * and (for services with public routes) the OpenAPI document. Routes are added by the caller.
 */
export async function createServiceApp(options: ServiceAppOptions) {
  const app = Fastify({
    loggerInstance: options.logger,
    genReqId: requestIdFrom,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    ajv: {
      customOptions: { removeAdditional: true, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  installErrorHandlers(app as unknown as FastifyInstance);
  if (options.openapi) await installOpenApi(app as unknown as FastifyInstance, options.openapi);
  installHealth(app as unknown as FastifyInstance, options.readiness ?? {});
  installMetrics(app as unknown as FastifyInstance, options.service);
  return app;
}

export type ServiceApp = Awaited<ReturnType<typeof createServiceApp>>;
