import { PassThrough, type Readable } from 'node:stream';
import { openAiErrorBody } from '@chatty/shared';

const EVENT_END = Buffer.from('\n\n');

/** The error that ends a relayed stream, in the shape its API streams errors in. */
export type StreamErrorEvent = (error: { code: string; message: string }) => string;

/** `/api` streams: an `error` event with the API's error body, as the services send it themselves. */
export const apiErrorEvent: StreamErrorEvent = (error) =>
  `event: error\ndata: ${JSON.stringify({ error })}\n\n`;

/** `/v1` streams: a data line with OpenAI's error body, as the gateway sends a failure mid-stream. */
export const openAiErrorEvent: StreamErrorEvent = (error) =>
  `data: ${JSON.stringify(openAiErrorBody(502, error))}\n\n`;

/**
 * A service's SSE answer passed on whole events at a time. When the service dies or stalls mid-answer,
 * the part of an event that had come is dropped and the client hears a last, well-formed error event
 * and a clean end, as the API promises for any failure once streaming has begun, rather than a cut
 * connection. Events already whole are never held: a chunk that ends an event goes on at once.
 */
export function relayEventStream(
  upstream: Readable,
  options: { service: string; errorEvent: StreamErrorEvent; onCut: (error: Error) => void },
): Readable {
  const out = new PassThrough();
  let partial: Buffer | undefined;
  upstream.on('data', (chunk: Buffer) => {
    const data = partial ? Buffer.concat([partial, chunk]) : chunk;
    const end = data.lastIndexOf(EVENT_END);
    if (end < 0) {
      partial = data;
      return;
    }
    const whole = end + EVENT_END.length;
    partial = whole < data.length ? data.subarray(whole) : undefined;
    if (!out.write(whole === data.length ? data : data.subarray(0, whole))) {
      upstream.pause();
      out.once('drain', () => upstream.resume());
    }
  });
  let ended = false;
  upstream.on('end', () => {
    ended = true;
    if (partial) out.write(partial);
    out.end();
  });
  upstream.on('error', (error: Error) => {
    if (ended || out.destroyed) return;
    options.onCut(error);
    const timedOut = (error as { code?: string }).code === 'UND_ERR_BODY_TIMEOUT';
    out.end(
      options.errorEvent(
        timedOut
          ? {
              code: 'UPSTREAM_TIMEOUT',
              message: `${options.service} went silent mid-answer; the answer is incomplete`,
            }
          : {
              code: 'UPSTREAM_UNAVAILABLE',
              message: `${options.service} stopped mid-answer; the answer is incomplete, retry shortly`,
            },
      ),
    );
  });
  // The client went away: the service's answer is not wanted any more.
  out.on('close', () => {
    if (!upstream.destroyed) upstream.destroy();
  });
  return out;
}
