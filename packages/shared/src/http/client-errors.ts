import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';

/** What Node refuses before a request exists (no route, no reply): status, code and message. */
function refusalOf(error: NodeJS.ErrnoException): { status: number; code: string; message: string } {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request did not arrive in time' };
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return { status: 431, code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large' };
  return { status: 400, code: 'BAD_REQUEST', message: 'The request is not valid HTTP' };
}

/**
 * Fastify's `clientErrorHandler`: a request Node refuses while parsing it (headers too large, too slow,
 * not HTTP) is answered in the one error shape, instead of Fastify's own. `type` and `param` make the
 * same body OpenAI's error shape too, since which API was meant cannot be known before the request is.
 */
export function answerClientError(
  this: { log: FastifyBaseLogger },
  error: NodeJS.ErrnoException,
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, message } = refusalOf(error);
  this.log.debug({ err: error }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify({ error: { code, message, type: 'invalid_request_error', param: null } });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
