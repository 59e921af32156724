import type { OutgoingHttpHeaders } from 'node:http';
import { AppError } from '@chatty/shared';
import type { FastifyReply } from 'fastify';

/** How long a stream may stay silent before its headers go out anyway (the origin waits 60 s at most). */
const OPEN_WITHIN_MS = 5000;
/**
 * An open stream silent this long gets an SSE comment line, which every client ignores: a model still
 * loading, or a slow tool call, must not look like a dead connection to a proxy in front (nginx cuts
 * a read after 60 s by default).
 */
const HEARTBEAT_MS = 15_000;

export interface EventStream {
  readonly opened: boolean;
  send(event: string, data: unknown): void;
  /** Plain `data:` events, as OpenAI's streaming format has them; several go out in one write. */
  data(...lines: string[]): void;
  end(): void;
}

/**
 * A server-sent event stream whose headers are sent with its first event (or after a few quiet
 * seconds), so a request that fails before anything happened still gets a plain HTTP error with its
 * status (a 503 with Retry-After). Each event is written straight to the socket: no buffering.
 */
export function lazyEventStream(reply: FastifyReply, heartbeatMs = HEARTBEAT_MS): EventStream {
  let opened = false;
  let ended = false;
  let lastWrite = Date.now();
  let heartbeat: NodeJS.Timeout | undefined;
  /** `alone`: nothing to send yet (a quiet start), so the headers go out by themselves. */
  const open = (alone: boolean) => {
    if (opened) return;
    opened = true;
    clearTimeout(timer);
    const headers = { ...reply.getHeaders() } as OutgoingHttpHeaders;
    reply.hijack();
    reply.raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    // With an event to send, the headers go out in the same write as it: one packet, so the origin
    // and the client each wake once for the first token instead of twice.
    if (alone) reply.raw.flushHeaders();
    lastWrite = Date.now();
    heartbeat = setInterval(
      () => {
        if (ended || reply.raw.destroyed) return clearInterval(heartbeat);
        if (Date.now() - lastWrite >= heartbeatMs) write(': keep-alive\n\n');
      },
      Math.max(10, Math.floor(heartbeatMs / 3)),
    );
    heartbeat.unref();
  };
  const timer = setTimeout(() => open(true), OPEN_WITHIN_MS);
  const write = (text: string) => {
    if (ended || reply.raw.destroyed) return;
    open(false);
    lastWrite = Date.now();
    reply.raw.write(text);
  };
  return {
    get opened() {
      return opened;
    },
    send: (event, data) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    data: (...lines) => write(lines.map((line) => `data: ${line}\n\n`).join('')),
    end() {
      clearTimeout(timer);
      clearInterval(heartbeat);
      if (ended) return;
      ended = true;
      if (opened) reply.raw.end();
    },
  };
}

export function wantsEventStream(accept: string | undefined): boolean {
  return accept?.includes('text/event-stream') ?? false;
}

/** Aborts when the client goes away before the answer is complete, so the worker stops generating. */
export function abortOnDisconnect(reply: FastifyReply): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const onClose = () => {
    if (reply.raw.writableFinished) return;
    controller.abort(new Error('client disconnected'));
    // A client that half-closed would otherwise keep the socket, and the server's shutdown, waiting.
    reply.raw.destroy();
  };
  reply.raw.on('close', onClose);
  return { signal: controller.signal, done: () => reply.raw.off('close', onClose) };
}

/** Nobody is left to read the answer; nginx's 499 says so in the logs. */
export const clientClosed = () => new AppError(499, 'CLIENT_CLOSED', 'The client closed the connection');
