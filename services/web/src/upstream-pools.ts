import { type Dispatcher, Pool } from 'undici';

export interface UpstreamService {
  url: string;
  /** Connections for requests whose body the origin already holds; a streamed answer holds one to its end. */
  connections: number;
  /** How long the service may take to start answering once it has the whole request. */
  headersTimeoutMs: number;
  /** How long an answer in progress may stay silent. */
  bodyIdleTimeoutMs: number;
}

/**
 * Uploads are streamed, so each holds a connection for as long as its client takes to send it (up to
 * REQUEST_TIMEOUT_MS at the minimum pace). They get this many connections per service, apart from the
 * rest: a crowd of slow uploaders then waits for its own pool and never for the one logins use.
 */
const UPLOAD_CONNECTIONS = 32;

/** What reply-from accepts as its `undici` option: anything with undici's `request`. */
export interface UpstreamDispatcher {
  request: Dispatcher['request'];
}

/**
 * One pair of connection pools per service, shared by every prefix routed to it: requests whose
 * body is streamed (uploads) go to the upload pool, everything else (bodies the origin has read
 * whole, or none) to the main one.
 */
export function createUpstreamPools() {
  const pools = new Map<string, { main: Pool; uploads: Pool }>();
  return {
    dispatcherFor(service: UpstreamService): UpstreamDispatcher {
      let pair = pools.get(service.url);
      if (!pair) {
        const options = {
          pipelining: 1,
          keepAliveTimeout: 30_000,
          headersTimeout: service.headersTimeoutMs,
          bodyTimeout: service.bodyIdleTimeoutMs,
        };
        pair = {
          main: new Pool(service.url, { ...options, connections: service.connections }),
          uploads: new Pool(service.url, { ...options, connections: UPLOAD_CONNECTIONS }),
        };
        pools.set(service.url, pair);
      }
      const { main, uploads } = pair;
      const request = ((options: Dispatcher.RequestOptions, ...rest: unknown[]) =>
        (isStream(options.body) ? uploads : main).request(
          options,
          ...(rest as [never]),
        )) as Dispatcher['request'];
      return { request };
    },
    /** After the origin has drained its requests: nothing is left in flight, so nothing waits. */
    async close(): Promise<void> {
      await Promise.all(
        [...pools.values()].flatMap(({ main, uploads }) => [main.destroy(), uploads.destroy()]),
      );
      pools.clear();
    },
  };
}

function isStream(body: unknown): boolean {
  return typeof (body as { pipe?: unknown } | null)?.pipe === 'function';
}
