import { quieterOf, REQUEST_ID_HEADER } from '@chatty/shared';
import proxy from '@fastify/http-proxy';
import type { FastifyInstance } from 'fastify';

/** Answers up to this size are sent in one piece; longer ones, and those of unknown length, stream. */
const SMALL_BODY_BYTES = 64 * 1024;

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
      onResponse: (_request, reply, response) => {
        // reply-from hands over `{ statusCode, headers, stream }`, whatever its type says.
        const { headers } = response as unknown as { headers: Record<string, string | string[] | undefined> };
        const length = Number(headers['content-length']);
        if (!(length <= SMALL_BODY_BYTES)) return void reply.send(response.stream);
        // A small answer whose length is known is gathered and sent in one write with its headers:
        // fewer syscalls per request than piping it chunk by chunk. Streams (SSE, files) still flow.
        const chunks: Buffer[] = [];
        response.stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.stream.on('error', (error: Error) => reply.send(error));
        response.stream.on('end', () => reply.send(Buffer.concat(chunks)));
      },
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
