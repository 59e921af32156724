import { ChattyError, errorOf } from './errors.js';
import { multipartBody, type UploadProgress } from './multipart.js';
import { pathOf, ROUTES, type RouteName } from './routes.js';
import { readEvents } from './sse.js';
import type {
  Action,
  ActionResult,
  ChatEvent,
  CreateActionBody,
  CreateGptBody,
  Gpt,
  GptVersionSummary,
  ImportReport,
  KnowledgeFile,
  Message,
  Model,
  Page,
  Session,
  SessionWithMessages,
  UpdateGptBody,
  User,
} from './types.js';

export interface ClientOptions {
  /** The public origin, e.g. `http://localhost:5000`. */
  baseUrl: string;
  /** An API key (`chatty_…`) or a session token; sent as `Authorization: Bearer`. */
  token?: string;
  /** Defaults to the global fetch (Node 22+, browsers). */
  fetch?: typeof fetch;
}

interface RequestOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  upload?: Upload;
  onProgress?: UploadProgress;
  accept?: string;
  signal?: AbortSignal;
}

/** A file to upload: its bytes and the name the server sees. */
export interface Upload {
  name: string;
  data: Blob | Uint8Array;
  type?: string;
}

/**
 * Chatty's public API over fetch. Every failure is a ChattyError with the server's status, code and
 * message; network failures reject as fetch rejects.
 */
export class ChattyClient {
  readonly baseUrl: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** The raw response of a route, after the status check: for bodies that are not JSON. */
  async send(name: RouteName, options: RequestOptions = {}): Promise<Response> {
    const [method] = ROUTES[name];
    const url = new URL(`${this.baseUrl}${pathOf(name, options.params)}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let body: string | ReadableStream<Uint8Array> | undefined;
    if (options.upload) {
      const { name, data, type = 'application/octet-stream' } = options.upload;
      const bytes = data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data;
      const multipart = multipartBody('file', name, type, bytes, options.onProgress ?? (() => {}));
      headers['content-type'] = multipart.contentType;
      body = multipart.body;
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await this.#fetch(url, {
      method,
      headers,
      ...(body !== undefined && { body }),
      // A streamed body (an upload) is sent as it is read.
      ...(body instanceof ReadableStream && { duplex: 'half' }),
      ...(options.signal && { signal: options.signal }),
    });
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  async #json<T>(name: RouteName, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(name, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  me(): Promise<User> {
    return this.#json('me');
  }

  async listModels(): Promise<Model[]> {
    return (await this.#json<{ items: Model[] }>('listModels')).items;
  }

  // GPTs

  /** Every GPT of the caller, newest first (all pages). */
  async listGpts(): Promise<Gpt[]> {
    const all: Gpt[] = [];
    let cursor: string | undefined;
    do {
      const page: Page<Gpt> = await this.#json('listGpts', { query: { limit: 100, cursor } });
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  getGpt(id: string): Promise<Gpt> {
    return this.#json('getGpt', { params: { id } });
  }

  createGpt(body: CreateGptBody): Promise<Gpt> {
    return this.#json('createGpt', { json: body });
  }

  updateGpt(id: string, body: UpdateGptBody): Promise<Gpt> {
    return this.#json('updateGpt', { params: { id }, json: body });
  }

  deleteGpt(id: string): Promise<void> {
    return this.#json('deleteGpt', { params: { id } });
  }

  async listVersions(id: string): Promise<GptVersionSummary[]> {
    return (await this.#json<Page<GptVersionSummary>>('listVersions', { params: { id } })).items;
  }

  /** The portable GPT file (a zip), as bytes. */
  async exportGpt(id: string): Promise<Uint8Array> {
    const response = await this.send('exportGpt', { params: { id }, accept: 'application/zip' });
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Imports a portable GPT file: a new GPT, or with `into` a new version of that GPT. */
  importGpt(
    file: Upload,
    options: { into?: string; onProgress?: UploadProgress } = {},
  ): Promise<ImportReport> {
    return this.#json('importGpt', {
      query: { into: options.into },
      upload: file,
      ...(options.onProgress && { onProgress: options.onProgress }),
    });
  }

  // Knowledge files

  async listFiles(gptId: string): Promise<KnowledgeFile[]> {
    return (await this.#json<{ items: KnowledgeFile[] }>('listFiles', { params: { id: gptId } })).items;
  }

  /** Uploads a knowledge file; it is then ingested in the background (see getFile's status and progress). */
  uploadFile(gptId: string, file: Upload, onProgress?: UploadProgress): Promise<KnowledgeFile> {
    return this.#json('uploadFile', {
      params: { id: gptId },
      upload: file,
      ...(onProgress && { onProgress }),
    });
  }

  getFile(fileId: string): Promise<KnowledgeFile> {
    return this.#json('getFile', { params: { fileId } });
  }

  deleteFile(fileId: string): Promise<void> {
    return this.#json('deleteFile', { params: { fileId } });
  }

  // Actions

  async listActions(gptId: string): Promise<Action[]> {
    return (await this.#json<{ items: Action[] }>('listActions', { params: { id: gptId } })).items;
  }

  createAction(gptId: string, body: CreateActionBody): Promise<Action> {
    return this.#json('createAction', { params: { id: gptId }, json: body });
  }

  updateAction(actionId: string, body: Partial<CreateActionBody>): Promise<Action> {
    return this.#json('updateAction', { params: { actionId }, json: body });
  }

  deleteAction(actionId: string): Promise<void> {
    return this.#json('deleteAction', { params: { actionId } });
  }

  executeAction(
    actionId: string,
    args: Record<string, string | number | boolean> = {},
  ): Promise<ActionResult> {
    return this.#json('executeAction', { params: { actionId }, json: { arguments: args } });
  }

  // Chat

  createSession(gptId: string): Promise<Session> {
    return this.#json('createSession', { params: { id: gptId }, json: {} });
  }

  async listSessions(gptId: string): Promise<Session[]> {
    return (await this.#json<{ items: Session[] }>('listSessions', { params: { id: gptId } })).items;
  }

  getSession(sessionId: string): Promise<SessionWithMessages> {
    return this.#json('getSession', { params: { sessionId } });
  }

  deleteSession(sessionId: string): Promise<void> {
    return this.#json('deleteSession', { params: { sessionId } });
  }

  /** Sends a message and waits for the whole answer. */
  async sendMessage(sessionId: string, content: string, signal?: AbortSignal): Promise<Message> {
    const body = await this.#json<{ message: Message }>('sendMessage', {
      params: { sessionId },
      json: { content },
      ...(signal && { signal }),
    });
    return body.message;
  }

  /**
   * Sends a message and yields the answer as it is generated: `delta`s of text, `action` calls, then
   * `done` with the stored message. A failure during the answer throws a ChattyError (the stream's
   * `error` event); aborting `signal` stops it (the server stops generating when the client goes).
   */
  async *streamMessage(sessionId: string, content: string, signal?: AbortSignal): AsyncGenerator<ChatEvent> {
    const response = await this.send('sendMessage', {
      params: { sessionId },
      json: { content },
      accept: 'text/event-stream',
      ...(signal && { signal }),
    });
    if (!response.body) throw new ChattyError(502, 'EMPTY_STREAM', 'The server sent no answer');
    // A server that answered JSON (no streaming on its side) still gives the whole message.
    if (!response.headers.get('content-type')?.includes('text/event-stream')) {
      const { message } = (await response.json()) as { message: Message };
      yield { type: 'done', message };
      return;
    }
    for await (const event of readEvents(response.body)) {
      const data = JSON.parse(event.data) as Record<string, unknown>;
      if (event.event === 'delta') yield { type: 'delta', content: String(data.content ?? '') };
      else if (event.event === 'action') {
        yield { type: 'action', name: String(data.name ?? ''), status: String(data.status ?? '') };
      } else if (event.event === 'done') {
        yield { type: 'done', message: data.message as Message };
        return;
      } else if (event.event === 'error') {
        const error = (data.error ?? {}) as { code?: string; message?: string };
        throw new ChattyError(502, error.code ?? 'CHAT_FAILED', error.message ?? 'The answer failed');
      }
    }
    throw new ChattyError(502, 'STREAM_CUT', 'The answer stopped before it was complete');
  }
}
