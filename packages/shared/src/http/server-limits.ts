import type { ServerOptions } from 'node:http';

/**
 * How long a client may take over each part of an exchange. Without them a client that opens a
 * connection and sends nothing, or sends its headers or body a byte at a time, holds a socket (and,
 * behind a proxy, an upstream connection) for as long as it likes, at no cost to itself. None of them
 * cuts an answer that is still being written: Node's request timeout ends with the request, and the
 * idle timeout counts every byte going out.
 */
export interface ServerLimits {
  /** From connecting (or the first byte of the next request) to the end of the headers. */
  headersTimeoutMs: number;
  /** From connecting to the end of the request, body included: the longest an upload may take. */
  requestTimeoutMs: number;
  /** Between two requests on one keep-alive connection. */
  keepAliveTimeoutMs: number;
  /** Nothing moving either way: also ends a client that stops reading its answer. */
  socketIdleTimeoutMs: number;
  /**
   * A request body may take this long; past it, it must have arrived at `bodyMinBytesPerSecond` on
   * average, so a small JSON body is due within this time and a large upload gets as long as it keeps
   * a minimum pace (see body-deadline.ts).
   */
  bodyTimeoutMs: number;
  bodyMinBytesPerSecond: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  // MAX_FILE_SIZE (10 MiB) at the minimum pace takes 640 s: the total leaves it room.
  requestTimeoutMs: 900_000,
  // Fastify's default: longer than the 60 s idle timeout of common load balancers in front.
  keepAliveTimeoutMs: 72_000,
  // Longer than the gateway waits for a silent model (GENERATION_IDLE_TIMEOUT_MS, 120 s) and than a
  // non-streamed answer takes, during which the socket carries nothing.
  socketIdleTimeoutMs: 600_000,
  bodyTimeoutMs: 10_000,
  // 128 kbit/s: a slow but honest uplink.
  bodyMinBytesPerSecond: 16 * 1024,
};

/**
 * Node checks the headers and request timeouts on a sweep, every 30 s by default: a 10 s limit could
 * then take 40 s to act. Once a second costs one walk over the open connections.
 */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/** The Fastify server options that carry the limits into Node's HTTP server. */
export function serverOptionsOf(limits: ServerLimits): {
  connectionTimeout: number;
  keepAliveTimeout: number;
  requestTimeout: number;
  http: ServerOptions;
} {
  return {
    connectionTimeout: limits.socketIdleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    },
  };
}
