import type { ModelDefinition } from '@chatty/shared';
import { Pool } from 'undici';
import type { ChatClient, Embedded } from '../providers/chat-client.js';
import { type OllamaChatBody, type OllamaChatChunk, WorkerFailure } from './ollama-types.js';

export interface OllamaClientOptions {
  connections: number;
  /** No headers, or no bytes of the body, for this long: the worker is treated as hung. */
  idleTimeoutMs: number;
}

/** HTTP to one Ollama worker over a pool of keep-alive connections. */
export class OllamaClient implements ChatClient {
  private readonly pool: Pool;

  constructor(
    readonly url: string,
    options: OllamaClientOptions,
  ) {
    this.pool = new Pool(url, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.idleTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
      connectTimeout: 2000,
    });
  }

  async json<T>(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 2000): Promise<T> {
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Awaited<ReturnType<Pool['request']>>;
    try {
      response = await this.pool.request({
        method,
        path,
        signal,
        ...(body !== undefined && {
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        }),
      });
    } catch (error) {
      throw new WorkerFailure('unreachable', `${this.url}: ${(error as Error).message}`);
    }
    const text = await response.body.text();
    if (response.statusCode >= 400) throw failureOf(response.statusCode, text);
    return JSON.parse(text) as T;
  }

  /**
   * Streams `/api/chat`, calling `onChunk` per NDJSON line as it arrives. Failures before the first
   * chunk are typed for a retry elsewhere; a cut after it is `broken`.
   */
  async chat(
    body: OllamaChatBody,
    signal: AbortSignal,
    onChunk: (chunk: OllamaChatChunk) => void,
  ): Promise<void> {
    let response: Awaited<ReturnType<Pool['request']>>;
    // Ollama has no tool_choice; the /v1 route has already narrowed the tools it stands for.
    const { tool_choice: _toolChoice, ...ollamaBody } = body;
    try {
      response = await this.pool.request({
        method: 'POST',
        path: '/api/chat',
        body: JSON.stringify({ ...ollamaBody, stream: true }),
        headers: { 'content-type': 'application/json' },
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new WorkerFailure('unreachable', `${this.url}: ${(error as Error).message}`);
    }
    if (response.statusCode >= 400) throw failureOf(response.statusCode, await response.body.text());
    let received = false;
    let pending = '';
    try {
      for await (const part of response.body) {
        pending += (part as Buffer).toString('utf8');
        let newline = pending.indexOf('\n');
        while (newline >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          newline = pending.indexOf('\n');
          if (!line) continue;
          const chunk = JSON.parse(line) as OllamaChatChunk;
          if (chunk.error) throw new WorkerFailure(received ? 'broken' : 'rejected', chunk.error);
          received = true;
          onChunk(chunk);
          if (chunk.done) return;
        }
      }
    } catch (error) {
      if (signal.aborted || error instanceof WorkerFailure) throw error;
      throw new WorkerFailure(
        received ? 'broken' : 'unreachable',
        `${this.url}: ${(error as Error).message}`,
      );
    }
    throw new WorkerFailure(
      received ? 'broken' : 'unreachable',
      `${this.url}: the stream ended before "done"`,
    );
  }

  /** `/api/embed`: one vector per input, in order, and the tokens read. */
  async embed(model: string, input: string[], signal: AbortSignal): Promise<Embedded> {
    let response: Awaited<ReturnType<Pool['request']>>;
    try {
      response = await this.pool.request({
        method: 'POST',
        path: '/api/embed',
        body: JSON.stringify({ model, input }),
        headers: { 'content-type': 'application/json' },
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new WorkerFailure('unreachable', `${this.url}: ${(error as Error).message}`);
    }
    const text = await response.body.text();
    if (response.statusCode >= 400) throw failureOf(response.statusCode, text);
    const answer = JSON.parse(text) as { embeddings?: number[][]; prompt_eval_count?: number };
    if (answer.embeddings?.length !== input.length)
      throw new WorkerFailure('rejected', `${this.url}: ${input.length} inputs, not as many embeddings`);
    return { embeddings: answer.embeddings, promptTokens: answer.prompt_eval_count ?? 0 };
  }

  /** An empty chat loads the model and sets its keep-alive. */
  async load(model: ModelDefinition, _signal: AbortSignal): Promise<void> {
    await this.json(
      'POST',
      '/api/chat',
      { model: model.id, messages: [], keep_alive: model.keepAlive ?? '30m' },
      120_000,
    );
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

function failureOf(status: number, text: string): WorkerFailure {
  let message = text;
  try {
    message = (JSON.parse(text) as { error?: string }).error ?? text;
  } catch {
    // not JSON: keep the text
  }
  // Ollama answers 503 when its own queue is full; that worker is fine, just busy.
  return new WorkerFailure(status === 503 ? 'busy' : 'rejected', message, status);
}
