import type { FastifyBaseLogger } from 'fastify';
import { clientClosed, type EventStream } from '../sse.js';

export interface FailedStream {
  /** The answer's event stream, when the client asked for one. */
  stream: EventStream | undefined;
  /** Aborted when the client went away. */
  client: { signal: AbortSignal };
  log: FastifyBaseLogger;
  /** Fields bound into the log lines, e.g. the session's id. */
  context?: Record<string, unknown>;
  /** The stream's last event, in the API's own error shape. */
  sendError(stream: EventStream, error: Error): void;
}

/**
 * Ends an answer that failed. A client that went away hears nothing more (a 499 in the logs when
 * nothing was sent yet). A stream that has not opened lets the error go out as a plain HTTP error, with
 * its status; once the 200 and some events are out, the error can only be the stream's last event.
 */
export function endFailedAnswer(
  error: unknown,
  { stream, client, log, context, sendError }: FailedStream,
): void {
  if (client.signal.aborted) {
    log.info(context ?? {}, 'client went away; generation cancelled');
    stream?.end();
    if (stream?.opened) return;
    throw clientClosed();
  }
  if (!stream?.opened) {
    stream?.end();
    throw error;
  }
  log.warn({ ...context, err: error }, 'answer failed mid-stream');
  sendError(stream, error as Error);
  stream.end();
}
