import type { IncomingHttpHeaders } from 'node:http';
import type { Pool } from 'undici';
import type { CheckedDestination } from '../egress/egress-policy.js';

export interface HopRequest {
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

export interface HopResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
}

/**
 * One HTTP exchange with a checked destination, on the pool that connects to its pinned address (see
 * TargetPools); the Host header keeps the name. The body is read up to `maxBytes`, and past it the
 * stream is dropped, which closes that connection rather than reading the rest.
 */
export async function sendOnce(
  { url }: CheckedDestination,
  request: HopRequest,
  { signal, maxBytes, pool }: { signal: AbortSignal; maxBytes: number; pool: Pool },
): Promise<HopResponse> {
  const response = await pool.request({
    path: `${url.pathname}${url.search}`,
    method: request.method as 'GET',
    headers: { ...request.headers, host: url.host },
    body: request.body,
    signal,
  });
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    const room = maxBytes - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      truncated = true;
      break;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return {
    status: response.statusCode,
    headers: response.headers as IncomingHttpHeaders,
    body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
    truncated,
  };
}
