import { type ChatStreamEventData, ChatStreamEvents } from '@chatty/contracts';
import { isGpt, isList, isObject } from './answer-shapes.js';
import { Deadline } from './deadline.js';
import { ChattyError, ChattyTimeoutError, errorOf, UnexpectedAnswerError } from './errors.js';
import { multipartBody, type Upload, type UploadProgress } from './multipart.js';
import { pathOf, ROUTES, type RouteName } from './routes.js';
import { readEvents } from './sse.js';
import type {
  Action,
  ActionResult,
  Answer,
  ChatEvent,
  CreateActionBody,
  CreateGptBody,
  Gpt,
  GptVersionSummary,
  ImportReport,
  KnowledgeFile,
  Message,
  Model,
  OpenAiModel,
  Session,
  SessionWithMessages,
  UpdateActionBody,
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
  /**
   * How long, in milliseconds, a request may wait for its answer to begin (the status and headers;
   * a streamed answer's headers come with its first event or after a few quiet seconds); an upload's
   * time starts again with each chunk it sends. A streamed answer is never cut once it has begun.
   * Past it, the request is aborted with a ChattyTimeoutError. None by default.
   */
  timeoutMs?: number;
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

/**
 * Chatty's public API over fetch. Every failure is a ChattyError with the server's status, code and
 * message; network failures reject as fetch rejects.
 */
export class ChattyClient {
  readonly baseUrl: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number | undefined;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#timeoutMs = options.timeoutMs && options.timeoutMs > 0 ? options.timeoutMs : undefined;
  }

  /** The raw response of a route, after the status check: for bodies that are not JSON. */
  async send(name: RouteName, options: RequestOptions = {}): Promise<Response> {
    const { method } = ROUTES[name];
    const url = new URL(`${this.baseUrl}${pathOf(name, options.params)}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    let deadline: Deadline | undefined;
    let body: string | ReadableStream<Uint8Array> | undefined;
    if (options.upload) {
      const { name, data, type = 'application/octet-stream' } = options.upload;
      const bytes = data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data;
      const onProgress = options.onProgress ?? (() => {});
      const multipart = multipartBody('file', name, type, bytes, (sent, total) => {
        // A moving upload is not a silent server.
        deadline?.restart();
        onProgress(sent, total);
      });
      headers['content-type'] = multipart.contentType;
      body = multipart.body;
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const timeoutMs = this.#timeoutMs;
    if (timeoutMs) {
      const request = `${method} ${url.pathname}`;
      deadline = new Deadline(timeoutMs, () => new ChattyTimeoutError(this.baseUrl, request, timeoutMs));
    }
    const signals = [options.signal, deadline?.signal].filter((each) => each !== undefined);
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers,
        ...(body !== undefined && { body }),
        // A streamed body (an upload) is sent as it is read.
        ...(body instanceof ReadableStream && { duplex: 'half' }),
        ...(signals.length > 0 && { signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals) }),
      });
    } catch (error) {
      throw deadline?.expired ? deadline.signal.reason : error;
    } finally {
      deadline?.clear();
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  /**
   * A route's JSON answer, typed by its contract. An answer that is not JSON, or not of the shape
   * `expected` checks (by default, an object), is an UnexpectedAnswerError: another server answered.
   */
  async #json<N extends RouteName>(
    name: N,
    options: RequestOptions = {},
    expected: (body: unknown) => boolean = isObject,
  ): Promise<Answer<N>> {
    const response = await this.send(name, options);
    if (response.status === 204) return null as Answer<N>;
    return (await this.#parse(
      response,
      `${ROUTES[name].method} ${pathOf(name, options.params)}`,
      expected,
    )) as Answer<N>;
  }

  /** Every item of a list the API gives a page at a time: its pages followed by their `nextCursor`. */
  async #allPages<N extends 'listGpts' | 'listSharedGpts' | 'listSessions'>(
    name: N,
    params?: Record<string, string>,
  ): Promise<Answer<N>['items']> {
    const all: Answer<N>['items'] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#json(
        name,
        { ...(params && { params }), query: { limit: 100, cursor } },
        isList,
      );
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  async #parse(response: Response, request: string, expected: (body: unknown) => boolean): Promise<unknown> {
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      const type = response.headers.get('content-type')?.split(';')[0]?.trim();
      throw new UnexpectedAnswerError(this.baseUrl, request, `${type || 'a body'}, not JSON`);
    }
    if (!expected(body)) throw new UnexpectedAnswerError(this.baseUrl, request, 'unexpected JSON');
    return body;
  }

  me(): Promise<User> {
    return this.#json('me', {}, (body) => isObject(body) && typeof body.email === 'string');
  }

  async listModels(): Promise<Model[]> {
    return (await this.#json('listModels', {}, isList)).items;
  }

  /**
   * `GET /v1/models`: the GPTs the caller may chat with (with their `name`; `owned_by` is `user`,
   * `shared` or `catalogue`) and the base models (`chatty`), in OpenAI's shape. A `chat`-scoped API
   * key may read it, unlike `/api/gpts`.
   */
  async listOpenAiModels(): Promise<OpenAiModel[]> {
    const answer = await this.#json('openAiModels', {}, (body) => isObject(body) && Array.isArray(body.data));
    return (answer as { data: OpenAiModel[] }).data;
  }

  /** `GET /v1/models/:id`: one GPT the caller may chat with (as listed), or a base model. */
  async getOpenAiModel(id: string): Promise<OpenAiModel> {
    return (await this.#json(
      'openAiModel',
      { params: { id } },
      (body) => isObject(body) && typeof body.id === 'string',
    )) as OpenAiModel;
  }

  // GPTs

  /** Every GPT of the caller, newest first (all pages). */
  listGpts(): Promise<Gpt[]> {
    return this.#allPages('listGpts');
  }

  /** GPTs others shared with the caller or a workspace of theirs, each with the caller's `access` (all pages). */
  listSharedGpts(): Promise<Gpt[]> {
    return this.#allPages('listSharedGpts');
  }

  getGpt(id: string): Promise<Gpt> {
    return this.#json('getGpt', { params: { id } }, isGpt);
  }

  createGpt(body: CreateGptBody): Promise<Gpt> {
    return this.#json('createGpt', { json: body }, isGpt);
  }

  updateGpt(id: string, body: UpdateGptBody): Promise<Gpt> {
    return this.#json('updateGpt', { params: { id }, json: body }, isGpt);
  }

  async deleteGpt(id: string): Promise<void> {
    await this.#json('deleteGpt', { params: { id } });
  }

  async listVersions(id: string): Promise<GptVersionSummary[]> {
    return (await this.#json('listVersions', { params: { id } }, isList)).items;
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
    return (await this.#json('listFiles', { params: { id: gptId } }, isList)).items;
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

  /** Off, the file stays stored but answers no longer use it; on again, they do. */
  setFileActive(fileId: string, isActive: boolean): Promise<KnowledgeFile> {
    return this.#json('updateFile', { params: { fileId }, json: { isActive } });
  }

  async deleteFile(fileId: string): Promise<void> {
    await this.#json('deleteFile', { params: { fileId } });
  }

  // Actions

  async listActions(gptId: string): Promise<Action[]> {
    return (await this.#json('listActions', { params: { id: gptId } }, isList)).items;
  }

  createAction(gptId: string, body: CreateActionBody): Promise<Action> {
    return this.#json('createAction', { params: { id: gptId }, json: body });
  }

  updateAction(actionId: string, body: UpdateActionBody): Promise<Action> {
    return this.#json('updateAction', { params: { actionId }, json: body });
  }

  async deleteAction(actionId: string): Promise<void> {
    await this.#json('deleteAction', { params: { actionId } });
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

  /** Every session of the caller with a GPT, newest first (all pages). */
  listSessions(gptId: string): Promise<Session[]> {
    return this.#allPages('listSessions', { id: gptId });
  }

  /** A session with all its messages, oldest first: the server's pages, newest first, put back together. */
  async getSession(sessionId: string): Promise<SessionWithMessages> {
    const { olderCursor, ...newest } = await this.#json('getSession', {
      params: { sessionId },
      query: { limit: 500 },
    });
    const pages = [newest.messages];
    for (let before = olderCursor; before; ) {
      const page = await this.#json('getSession', { params: { sessionId }, query: { limit: 500, before } });
      pages.unshift(page.messages);
      before = page.olderCursor;
    }
    return { ...newest, messages: pages.flat() };
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.#json('deleteSession', { params: { sessionId } });
  }

  /**
   * Answers a `confirm` event of a streaming answer: the turn, waiting for it, runs the action call
   * (`allow`) or tells the model it was refused.
   */
  decideConfirmation(sessionId: string, confirmationId: string, allow: boolean) {
    return this.#json('confirm', { params: { sessionId, confirmationId }, json: { allow } });
  }

  /** Sends a message and waits for the whole answer. */
  async sendMessage(sessionId: string, content: string, signal?: AbortSignal): Promise<Message> {
    const body = await this.#json('sendMessage', {
      params: { sessionId },
      json: { content },
      ...(signal && { signal }),
    });
    return body.message;
  }

  /**
   * Sends a message and yields the answer as it is generated: `delta`s of text, `action` calls and
   * `search`es as they run, `confirm` when an action that changes something waits for the user, then
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
      const request = `POST ${pathOf('sendMessage', { sessionId })}`;
      const { message } = (await this.#parse(
        response,
        request,
        (body) => isObject(body) && isObject(body.message),
      )) as Answer<'sendMessage'>;
      yield { type: 'done', message };
      return;
    }
    for await (const event of readEvents(response.body)) {
      const streamed = chatEventOf(event.event, JSON.parse(event.data));
      if (!streamed) continue;
      yield streamed;
      if (streamed.type === 'done') return;
    }
    throw new ChattyError(502, 'STREAM_CUT', 'The answer stopped before it was complete');
  }
}

/** A streamed event as the client yields it; an `error` event throws; an event it does not know is skipped. */
function chatEventOf(name: string, data: unknown): ChatEvent | undefined {
  if (name === 'error') {
    const error = (data as ChatStreamEventData<'error'>).error ?? {};
    throw new ChattyError(502, error.code ?? 'CHAT_FAILED', error.message ?? 'The answer failed');
  }
  if (!Object.hasOwn(ChatStreamEvents, name)) return undefined;
  return { type: name, ...(data as object) } as ChatEvent;
}
