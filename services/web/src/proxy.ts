import { quieterOf, REQUEST_ID_HEADER } from '@chatty/shared';
import proxy from '@fastify/http-proxy';
import type { FastifyInstance } from 'fastify';

export interface Upstream {
  /** Shown in errors and logs. */
  name: string;
  url: string;
  prefix: string;
  /** Most connections kept to the service; a streamed answer holds one for its whole length. */
  connections?: number;
}

/**
 * Forwards `prefix/*` to a service, streaming bodies both ways (uploads and SSE are never buffered).
 * The client's address, scheme and host travel in X-Forwarded-*, which the proxy sets itself so a
 * client cannot forge them; the request id travels on.
 */
export async function registerUpstream(app: FastifyInstance, upstream: Upstream): Promise<void> {
  await app.register(proxy, {
    upstream: upstream.url,
    prefix: upstream.prefix,
    rewritePrefix: upstream.prefix,
    // The owning service logs each request under the same request id; the origin logs only trouble.
    logLevel: quieterOf(app.log.level, 'warn'),
    // Keep-alive connections to the service; no body timeout, so long streams are not cut.
    undici: {
      connections: upstream.connections ?? 128,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      bodyTimeout: 0,
      headersTimeout: 60_000,
    },
    replyOptions: {
      rewriteRequestHeaders: (request, headers) => ({
        ...headers,
        'x-forwarded-for': request.ip,
        'x-forwarded-proto': request.protocol,
        'x-forwarded-host': request.host,
        [REQUEST_ID_HEADER]: request.id,
      }),
      onError: (reply, { error }) => {
        reply.request.log.warn({ upstream: upstream.name, err: error }, 'upstream failed');
        void reply.code(502).send({
          error: {
            code: 'UPSTREAM_UNAVAILABLE',
            message: `${upstream.name} is not reachable; retry shortly`,
          },
        });
      },
    },
  });
}
