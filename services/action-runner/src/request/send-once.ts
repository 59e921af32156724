import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
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
 * One HTTP exchange with a checked destination. The socket connects to the pinned address (a `lookup`
 * that answers with it, so Node never resolves the name again) while the Host header and TLS SNI keep
 * the name. The agent pools sockets per checked address (see AgentPool). The body is read up to
 * `maxBytes` and the connection is dropped past it.
 */
export function sendOnce(
  destination: CheckedDestination,
  request: HopRequest,
  { signal, maxBytes, agent }: { signal: AbortSignal; maxBytes: number; agent: http.Agent },
): Promise<HopResponse> {
  const { url, port, pinned } = destination;
  const pinnedLookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;

  return new Promise((resolve, reject) => {
    const outgoing = transport.request(
      {
        hostname,
        port,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.body
          ? { ...request.headers, 'content-length': String(request.body.length) }
          : request.headers,
        agent,
        lookup: pinnedLookup,
        signal,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const finish = () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks),
            truncated,
          });
        incoming.on('data', (chunk: Buffer) => {
          if (truncated) return;
          const room = maxBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size = maxBytes;
            truncated = true;
            outgoing.destroy();
            finish();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        incoming.on('end', () => {
          if (!truncated) finish();
        });
        incoming.on('error', (error) => {
          if (!truncated) reject(error);
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body ?? undefined);
  });
}
