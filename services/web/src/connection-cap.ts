import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { AppError } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';

export interface ConnectionCapOptions {
  /** Connections one client address may hold open at once (requests in flight, behind a trusted proxy). */
  perAddress: number;
  /** Connections in all; past it new ones are dropped by Node before any work is done on them. */
  total: number;
  isTrustedProxy: (address: string | undefined) => boolean;
}

// Written before any request is parsed, so its path is unknown: the API's fields and OpenAI's together.
const REFUSAL_BODY = JSON.stringify({
  error: {
    code: 'TOO_MANY_CONNECTIONS',
    message: 'Too many open connections from your address',
    type: 'rate_limit_error',
    param: null,
  },
});
const REFUSAL =
  'HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: application/json\r\n' +
  `Retry-After: 1\r\nContent-Length: ${Buffer.byteLength(REFUSAL_BODY)}\r\n\r\n${REFUSAL_BODY}`;
/** A refused client has this long to read the answer before its socket is destroyed. */
const REFUSAL_LINGER_MS = 1000;
const DROP_LOG_INTERVAL_MS = 10_000;

/**
 * Caps the connections one address may hold on the public port, so one client (or one machine of a
 * botnet) cannot take every socket the origin has; the next one is answered 429 at once, without
 * reaching HTTP parsing, and nobody else notices. The address is the socket's peer — except for a
 * trusted proxy (TRUST_PROXY), whose connections carry many clients: there the requests in flight
 * are counted per forwarded client address instead. `total` is the global cap (server.maxConnections).
 */
export function capConnections(app: FastifyInstance, options: ConnectionCapOptions): void {
  const server = app.server as Server;
  const open = new Map<string, number>();
  const refusing = new Set<string>();

  // Node's HTTP handling is itself a 'connection' listener: wrapping it lets a refused socket skip it.
  const listeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    if (!options.isTrustedProxy(address)) {
      const count = (open.get(address) ?? 0) + 1;
      if (count > options.perAddress) {
        if (!refusing.has(address)) {
          refusing.add(address);
          app.log.warn({ address, limit: options.perAddress }, 'connection cap reached; refusing more');
        }
        return refuse(socket);
      }
      open.set(address, count);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left > 0) return void open.set(address, left);
        open.delete(address);
        refusing.delete(address);
      });
    }
    for (const listener of listeners) listener.call(server, socket);
  });

  server.maxConnections = options.total;
  let dropped = 0;
  let lastDropLog = 0;
  server.on('drop', () => {
    dropped++;
    if (Date.now() - lastDropLog < DROP_LOG_INTERVAL_MS) return;
    lastDropLog = Date.now();
    app.log.warn({ dropped, limit: options.total }, 'connection limit reached; new connections dropped');
    dropped = 0;
  });

  const inFlight = new Map<string, number>();
  app.addHook('onRequest', (request, reply, done) => {
    if (!options.isTrustedProxy(request.socket.remoteAddress)) return done();
    const client = request.ip;
    const count = (inFlight.get(client) ?? 0) + 1;
    if (count > options.perAddress) {
      return done(
        new AppError(429, 'TOO_MANY_CONNECTIONS', 'Too many requests in flight from your address', {
          'retry-after': '1',
        }),
      );
    }
    inFlight.set(client, count);
    reply.raw.once('close', () => {
      const left = (inFlight.get(client) ?? 1) - 1;
      if (left > 0) inFlight.set(client, left);
      else inFlight.delete(client);
    });
    done();
  });
}

/** Answers without reading a request, lets the client read it, then lets go. */
function refuse(socket: Socket): void {
  socket.on('error', () => {});
  socket.end(REFUSAL);
  // Whatever the client sends meanwhile is read and dropped: unread data would turn the close into a
  // reset that can destroy the answer before the client has read it.
  socket.resume();
  setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
}
