import { MAX_JSON_BODY_BYTES } from '@chatty/contracts';
import { errorBodyFor, quieterOf, REQUEST_ID_HEADER } from '@chatty/shared';
import proxy from '@fastify/http-proxy';
import type { FastifyInstance } from 'fastify';
import { apiErrorEvent, openAiErrorEvent, relayEventStream } from './event-stream-relay.js';
import { uploadStart } from './upload-start.js';
import type { UpstreamDispatcher, UpstreamService } from './upstream-pools.js';

/** Answers up to this size are sent in one piece; longer ones, and those of unknown length, stream. */
const SMALL_BODY_BYTES = 64 * 1024;

/**
 * The largest body the origin reads whole before passing it on: every service's own limit (the
 * service frame's `bodyLimit`); larger bodies would be refused there anyway. Uploads are not read
 * whole: they stream.
 */
const BUFFERED_BODY_LIMIT = MAX_JSON_BODY_BYTES;

export interface Upstream extends UpstreamService {
  /** Shown in errors and logs. */
  name: string;
  prefix: string;
}

/**
 * Forwards `prefix/*` to a service. A request body is read whole at the origin first (up to
 * BUFFERED_BODY_LIMIT, under the service frame's body deadline), so a client that trickles its body
 * holds only its own socket, never a connection to the service. Uploads (multipart) stream through
 * once their first bytes have come (upload-start.ts), on a pool of their own, and the body deadline's
 * minimum pace bounds them. Answers stream back
 * (SSE is never buffered). The client's address, scheme and host travel in X-Forwarded-*, which the
 * proxy sets itself so a client cannot forge them; the request id travels on.
 */
export async function registerUpstream(
  app: FastifyInstance,
  upstream: Upstream,
  dispatcher: UpstreamDispatcher,
): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(/^multipart\//i, (_request, payload, done) => {
      uploadStart(payload).then(
        (body) => done(null, body),
        (error: Error) => done(error),
      );
    });
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: BUFFERED_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    await scope.register(proxy, {
      upstream: upstream.url,
      prefix: upstream.prefix,
      rewritePrefix: upstream.prefix,
      // The parsers above decide what is read whole and what streams.
      proxyPayloads: false,
      // The owning service logs each request under the same request id; the origin logs only trouble.
      logLevel: quieterOf(app.log.level, 'warn'),
      undici: dispatcher,
      // A body read whole goes on byte for byte (reply-from would re-encode a JSON one).
      handler: (request, reply, dest, options) =>
        reply.from(
          dest,
          Buffer.isBuffer(request.body)
            ? {
                ...options,
                body: request.body,
                contentType: request.headers['content-type'] ?? 'application/octet-stream',
              }
            : options,
        ),
      replyOptions: {
        rewriteRequestHeaders: (request, headers) => {
          const forwarded: Record<string, unknown> = {
            ...headers,
            'x-forwarded-for': request.ip,
            'x-forwarded-proto': request.protocol,
            'x-forwarded-host': request.host,
            [REQUEST_ID_HEADER]: request.id,
          };
          // Node has told the client to go on (curl asks before large uploads); undici refuses to
          // send the header on, and the service has nothing to decide: the body is on its way.
          delete forwarded.expect;
          return forwarded as typeof headers;
        },
        onResponse: (request, reply, response) => {
          // reply-from hands over `{ statusCode, headers, stream }`, whatever its type says.
          const { headers } = response as unknown as {
            headers: Record<string, string | string[] | undefined>;
          };
          if (String(headers['content-type']).startsWith('text/event-stream')) {
            const relayed = relayEventStream(response.stream, {
              service: upstream.name,
              errorEvent: request.url.startsWith('/v1/') ? openAiErrorEvent : apiErrorEvent,
              onCut: (error) =>
                request.log.warn({ upstream: upstream.name, err: error }, 'upstream stream cut mid-answer'),
            });
            return void reply.send(relayed);
          }
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
          // The client is gone (its upload came too slowly and was cut, or it hung up): nobody to tell.
          if (reply.request.raw.socket?.destroyed) return;
          const timedOut = (error as { statusCode?: number }).statusCode === 504;
          reply.request.log.warn({ upstream: upstream.name, err: error }, 'upstream failed');
          const status = timedOut ? 504 : 502;
          void reply.code(status).send(
            errorBodyFor(
              reply.request.url,
              status,
              timedOut
                ? { code: 'UPSTREAM_TIMEOUT', message: `${upstream.name} did not answer in time` }
                : {
                    code: 'UPSTREAM_UNAVAILABLE',
                    message: `${upstream.name} is not reachable; retry shortly`,
                  },
            ),
          );
        },
      },
    });
  });
}
