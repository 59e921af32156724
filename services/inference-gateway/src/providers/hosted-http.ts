import { displayUrl, redactKey } from '@chatty/shared';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Pool } from 'undici';
import { WorkerFailure } from '../pool/ollama-types.js';

export interface HostedHttpOptions {
  baseUrl: string;
  apiKey: string | undefined;
  connections: number;
  /** No headers, or no bytes of the body, for this long: the API is treated as hung. */
  idleTimeoutMs: number;
}

/**
 * HTTP to one hosted API over keep-alive connections: a JSON POST whose answer streams as
 * Server-Sent Events. Every message that leaves here (into a WorkerFailure, so into logs and error
 * answers) has the API key removed and names the API by its URL without credentials.
 */
export class HostedHttp {
  readonly url: string;
  private readonly pool: Pool;
  private readonly prefix: string;

  constructor(private readonly options: HostedHttpOptions) {
    const base = new URL(options.baseUrl);
    this.url = displayUrl(options.baseUrl);
    this.prefix = base.pathname.replace(/\/+$/, '');
    this.pool = new Pool(base.origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.idleTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
      connectTimeout: 5000,
    });
  }

  /**
   * POSTs `body` to `path` and calls `onEvent` per SSE event. A failure before the first event is
   * `unreachable`/`busy`/`rejected` (try elsewhere); after one, `broken`. `onEvent` returns true on the
   * protocol's last event.
   */
  async stream(
    path: string,
    headers: Record<string, string>,
    body: unknown,
    signal: AbortSignal,
    onEvent: (event: EventSourceMessage) => boolean,
    busyStatuses: number[],
  ): Promise<void> {
    let response: Awaited<ReturnType<Pool['request']>>;
    try {
      response = await this.pool.request({
        method: 'POST',
        path: `${this.prefix}${path}`,
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw this.failure('unreachable', (error as Error).message);
    }
    if (response.statusCode >= 400) {
      const text = await response.body.text().catch(() => '');
      const kind = busyStatuses.includes(response.statusCode) ? 'busy' : 'rejected';
      throw this.failure(kind, `${response.statusCode} ${errorMessageOf(text)}`, response.statusCode);
    }
    let received = false;
    let finished = false;
    let failure: Error | undefined;
    const parser = createParser({
      onEvent: (event) => {
        if (finished || failure) return;
        try {
          finished = onEvent(event);
          received = true;
        } catch (error) {
          failure = error as Error;
        }
      },
    });
    try {
      for await (const part of response.body) {
        parser.feed((part as Buffer).toString('utf8'));
        if (failure) throw failure;
        if (finished) return;
      }
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof WorkerFailure) throw this.failure(error.kind, error.message, error.status);
      throw this.failure(received ? 'broken' : 'unreachable', (error as Error).message);
    } finally {
      if (!finished) response.body.destroy();
    }
    throw this.failure(received ? 'broken' : 'unreachable', 'the stream ended before its last event');
  }

  /**
   * POSTs `body` to `path` and answers the parsed JSON. A failure is `unreachable` (no answer),
   * `busy` (one of `busyStatuses`) or `rejected`: none has side effects, so any may be tried elsewhere.
   */
  async postJson<Answer>(
    path: string,
    headers: Record<string, string>,
    body: unknown,
    signal: AbortSignal,
    busyStatuses: number[],
  ): Promise<Answer> {
    let text: string;
    let status: number;
    try {
      const response = await this.pool.request({
        method: 'POST',
        path: `${this.prefix}${path}`,
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        signal,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      if (signal.aborted) throw error;
      throw this.failure('unreachable', (error as Error).message);
    }
    if (status >= 400) {
      const kind = busyStatuses.includes(status) ? 'busy' : 'rejected';
      throw this.failure(kind, `${status} ${errorMessageOf(text)}`, status);
    }
    try {
      return JSON.parse(text) as Answer;
    } catch {
      throw this.failure('rejected', `answered ${status} with a body that is not JSON`);
    }
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }

  /** A failure naming the API by its display URL, with the key scrubbed from whatever it said. */
  failure(kind: WorkerFailure['kind'], message: string, status?: number): WorkerFailure {
    return new WorkerFailure(kind, `${this.url}: ${redactKey(message, this.options.apiKey)}`, status);
  }
}

/** The message of an API's JSON error (`{error:{message}}`, both OpenAI's and Anthropic's), else the text. */
function errorMessageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } | string };
    const message = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message;
    return (message ?? text).slice(0, 500);
  } catch {
    return text.slice(0, 500);
  }
}
