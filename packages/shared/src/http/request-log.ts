import type { FastifyInstance, FastifyRequest } from 'fastify';

/** What a request's one log line says of it (no headers: they may carry credentials). */
function requestFields(request: FastifyRequest) {
  return { method: request.method, url: request.url, remoteAddress: request.ip };
}

/**
 * One log line per request, when it ends, instead of Fastify's two (in and out): the same fields,
 * half the writes on every hot path. A request the client gave up on is logged too.
 */
export function installRequestLog(app: FastifyInstance) {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { req: requestFields(request), res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime },
      'request completed',
    );
  });
  app.addHook('onRequestAbort', async (request) => {
    request.log.info({ req: requestFields(request) }, 'request aborted by the client');
  });
}
