import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { ServerLimits } from './server-limits.js';

/** How often bodies in progress are checked: the cut comes at most this late. */
const TICK_MS = 250;

const TIMEOUT_BODY = JSON.stringify({
  error: { code: 'BODY_TIMEOUT', message: 'The request body arrived too slowly' },
});
// Written straight to the socket, as Node writes its own 408: the body's reader (a parser, a proxy,
// a multipart stream) is still waiting on it, so the reply cannot go through Fastify.
const TIMEOUT_RESPONSE =
  'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: application/json\r\n' +
  `Content-Length: ${Buffer.byteLength(TIMEOUT_BODY)}\r\n\r\n${TIMEOUT_BODY}`;

interface Watch {
  raw: IncomingMessage;
  reply: FastifyReply;
  socket: Socket;
  startBytes: number;
  lastCheck: number;
  /** Time the server was ready for more of the body: only this counts against the client. */
  waitedMs: number;
}

/**
 * Closes the connection of a request whose body comes too slowly: past `bodyTimeoutMs`, the body
 * must have arrived at `bodyMinBytesPerSecond` on average. A small body is thus due within
 * `bodyTimeoutMs`, a large upload may take as long as it keeps the pace (up to the request timeout),
 * and a client that announces a large body and trickles it is cut within seconds, whoever reads it:
 * a body parser, the origin's proxy, a multipart stream. It watches the socket's byte count and does
 * not read the body itself. Time during which the reader is not taking the body (its buffer is full
 * because storage or an upstream is slow) does not count against the client.
 */
export const bodyDeadlinePlugin = fp(
  async (app: FastifyInstance, limits: Pick<ServerLimits, 'bodyTimeoutMs' | 'bodyMinBytesPerSecond'>) => {
    installBodyDeadline(app, limits);
  },
  { name: 'chatty-body-deadline' },
);

function installBodyDeadline(
  app: FastifyInstance,
  limits: Pick<ServerLimits, 'bodyTimeoutMs' | 'bodyMinBytesPerSecond'>,
): void {
  const watches = new Set<Watch>();
  let ticker: NodeJS.Timeout | undefined;

  const tick = () => {
    const now = Date.now();
    const cut: string[] = [];
    for (const watch of watches) {
      const { raw, socket } = watch;
      if (raw.complete || raw.readableEnded || socket.destroyed) {
        watches.delete(watch);
        continue;
      }
      if (raw.readableLength < raw.readableHighWaterMark) watch.waitedMs += now - watch.lastCheck;
      watch.lastCheck = now;
      const received = socket.bytesRead - watch.startBytes;
      const due = (limits.bodyMinBytesPerSecond * watch.waitedMs) / 1000;
      if (watch.waitedMs > limits.bodyTimeoutMs && received < due) {
        watches.delete(watch);
        cut.push(socket.remoteAddress ?? 'unknown');
        if (!watch.reply.raw.headersSent && socket.writable) socket.write(TIMEOUT_RESPONSE);
        socket.destroy();
      }
    }
    // One line per sweep, not per socket: under attack that would be a line per attempt.
    if (cut.length > 0) {
      app.log.warn(
        { count: cut.length, addresses: [...new Set(cut)].slice(0, 5) },
        'closed connections whose request body came too slowly',
      );
    }
    if (watches.size === 0) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };

  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    // Injected requests (tests) have no socket to protect, nor a byte count to watch.
    if (hasBody(raw) && !raw.complete && typeof raw.socket?.bytesRead === 'number') {
      const now = Date.now();
      watches.add({
        raw,
        reply,
        socket: raw.socket,
        startBytes: raw.socket.bytesRead,
        lastCheck: now,
        waitedMs: 0,
      });
      ticker ??= setInterval(tick, TICK_MS).unref();
    }
    done();
  });
  app.addHook('onClose', (_app, done) => {
    clearInterval(ticker);
    watches.clear();
    done();
  });
}

function hasBody(raw: IncomingMessage): boolean {
  return raw.headers['transfer-encoding'] !== undefined || Number(raw.headers['content-length']) > 0;
}
