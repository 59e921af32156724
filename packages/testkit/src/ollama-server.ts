import type { IncomingMessage, ServerResponse } from 'node:http';
import { conceptEmbedding } from './concept-embedding.js';
import {
  cutConnection,
  readJsonBody,
  replyScript,
  sendJson,
  sleep,
  startScriptedServer,
  streamTokens,
} from './scripted-http.js';

/** A chat request as Ollama receives it (the fields the tests look at). */
export interface OllamaChatRequest {
  model: string;
  messages?: Array<{ role: string; content: string; tool_calls?: unknown[]; tool_name?: string }>;
  prompt?: string;
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: unknown } }>;
  stream?: boolean;
  keep_alive?: string | number;
  options?: Record<string, unknown>;
}

/** What the scripted model answers: text split into tokens, or tool calls, or an Ollama error. */
export interface OllamaReply {
  tokens?: string[];
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
  error?: { status: number; message: string };
}

export type OllamaFault = 'refuse' | 'busy' | 'reset' | 'hang';

export interface OllamaServerOptions {
  /** Tags this worker has pulled, e.g. `phi3:latest`; a bare name gets `:latest`. */
  models: string[];
  /** Models that `/api/ps` reports as loaded from the start. */
  loaded?: string[];
  /** Models whose `/api/show` lacks the `tools` capability (and which answer 400 when sent tools). */
  withoutTools?: string[];
  /** Models whose `/api/show` lists the `vision` capability (they take `images`). */
  vision?: string[];
  /** Context window that `/api/show` reports. */
  contextLength?: number;
  tokenDelayMs?: number;
  /** How long each embedding request takes. */
  embedDelayMs?: number;
  /** The answer for a request; by default `Hello from <model>` in four tokens. */
  reply?: (request: OllamaChatRequest) => OllamaReply;
  /** With fault `reset`: how many tokens go out before the connection is cut. */
  resetAfterTokens?: number;
  port?: number;
  /** Loopback by default; the compose stand-in listens on every interface of its container. */
  host?: string;
}

export interface RecordedRequest {
  path: string;
  body: OllamaChatRequest;
}

export interface OllamaTestServer {
  url: string;
  /** Every generation request (`/api/chat`, `/api/generate`) received, in order. */
  requests: RecordedRequest[];
  /** Every embedding request (`/api/embed`, `/api/embeddings`): the model and how many texts. */
  embedRequests: Array<{ model: string; inputs: number }>;
  /** Requests being answered right now. */
  readonly active: number;
  loaded: Set<string>;
  setFault(fault: OllamaFault | null): Promise<void>;
  setReply(reply: (request: OllamaChatRequest) => OllamaReply): void;
  close(): Promise<void>;
}

const fullTag = (name: string) => (name.includes(':') ? name : `${name}:latest`);

/**
 * A real HTTP server speaking the Ollama API (NDJSON streaming), with scripted answers, tool calls,
 * per-token delay and faults: `refuse` (nothing listens), `busy` (503 like a full Ollama queue), `reset`
 * (connection cut mid-stream), `hang` (never answers). A final assistant message in the request is
 * continued, as Ollama does, so a stream resumed elsewhere picks up where it stopped.
 */
export async function startOllamaServer(options: OllamaServerOptions): Promise<OllamaTestServer> {
  const models = new Set(options.models.map(fullTag));
  const loaded = new Set((options.loaded ?? []).map(fullTag));
  const withoutTools = new Set((options.withoutTools ?? []).map(fullTag));
  const vision = new Set((options.vision ?? []).map(fullTag));
  const requests: RecordedRequest[] = [];
  const embedRequests: OllamaTestServer['embedRequests'] = [];
  const script = replyScript<OllamaChatRequest, OllamaReply>(options.reply);
  let active = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse, path: string) => {
    const body = request.method === 'POST' ? await readJsonBody(request) : {};
    const generating = path === '/api/chat' || path === '/api/generate';
    if (generating) requests.push({ path, body: body as OllamaChatRequest });
    // A hung node: it accepts connections and requests, and never answers any of them.
    if (server.fault === 'hang') return;
    if (path === '/api/version') return sendJson(response, 200, { version: '0.13.5' });
    if (path === '/api/tags') return sendJson(response, 200, { models: [...models].map(describe) });
    if (path === '/api/ps') return sendJson(response, 200, { models: [...loaded].map(describe) });
    if (path === '/api/show') return show(response, body as { model?: string; name?: string });
    if (path === '/api/embed' || path === '/api/embeddings') {
      return embed(path, response, body as { model?: string; input?: string | string[]; prompt?: string });
    }
    if (path === '/api/pull')
      return pull(response, body as { model?: string; name?: string; stream?: boolean });
    if (!generating) return sendJson(response, 404, { error: 'not found' });
    const chat = body as OllamaChatRequest;
    if (server.fault === 'busy') {
      return sendJson(response, 503, {
        error: 'server busy, please try again.  maximum pending requests exceeded',
      });
    }
    const tag = fullTag(chat.model ?? '');
    if (!models.has(tag))
      return sendJson(response, 404, { error: `model "${chat.model}" not found, try pulling it first` });
    if (chat.tools?.length && withoutTools.has(tag)) {
      return sendJson(response, 400, {
        error: `registry.ollama.ai/library/${chat.model} does not support tools`,
      });
    }
    if (chat.keep_alive === 0 || chat.keep_alive === '0') loaded.delete(tag);
    else loaded.add(tag);
    const isLoadOnly = path === '/api/chat' ? !chat.messages?.length : !chat.prompt;
    if (isLoadOnly) return sendJson(response, 200, final(chat.model, path, '', 'load'));
    active++;
    response.on('close', () => active--);
    await answer(chat, path, response);
  };

  /**
   * Embeddings by meaning (`conceptEmbedding`): `/api/embed` takes one text or a batch, the older
   * `/api/embeddings` one `prompt`. A model the worker lacks answers 404, a busy worker 503, as Ollama.
   */
  const embed = async (
    path: string,
    response: ServerResponse,
    body: { model?: string; input?: string | string[]; prompt?: string },
  ) => {
    if (server.fault === 'busy') return sendJson(response, 503, { error: 'server busy, please try again.' });
    const model = body.model ?? '';
    if (!models.has(fullTag(model)))
      return sendJson(response, 404, { error: `model "${model}" not found, try pulling it first` });
    const inputs = path === '/api/embeddings' ? [body.prompt ?? ''] : [body.input ?? []].flat().map(String);
    embedRequests.push({ model, inputs: inputs.length });
    if (options.embedDelayMs) await sleep(options.embedDelayMs);
    loaded.add(fullTag(model));
    if (path === '/api/embeddings')
      return sendJson(response, 200, { embedding: conceptEmbedding(inputs[0]!) });
    return sendJson(response, 200, { model, embeddings: inputs.map(conceptEmbedding) });
  };

  /** Pulling "downloads" nothing: the model joins the list, with the progress lines Ollama streams. */
  const pull = (response: ServerResponse, body: { model?: string; name?: string; stream?: boolean }) => {
    const name = body.model ?? body.name;
    if (!name) return sendJson(response, 400, { error: 'model is required' });
    models.add(fullTag(name));
    const steps = [
      { status: 'pulling manifest' },
      { status: 'pulling 0123456789ab', digest: 'sha256:0123456789ab', total: 1024, completed: 1024 },
      { status: 'verifying sha256 digest' },
      { status: 'writing manifest' },
      { status: 'success' },
    ];
    if (body.stream === false) return sendJson(response, 200, { status: 'success' });
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    response.end(steps.map((step) => `${JSON.stringify(step)}\n`).join(''));
  };

  const answer = async (chat: OllamaChatRequest, path: string, response: ServerResponse) => {
    const scripted = script.reply(chat);
    if (scripted.error) return sendJson(response, scripted.error.status, { error: scripted.error.message });
    const whole = continuation(scripted.tokens ?? [], chat);
    // Like Ollama: at most `num_predict` new tokens, and then the answer says it was cut.
    const cap = chat.options?.num_predict;
    const capped = typeof cap === 'number' && cap > 0 && whole.length > cap;
    const tokens = capped ? whole.slice(0, cap) : whole;
    const reason = capped ? 'length' : 'stop';
    if (chat.stream === false) {
      const text = tokens.join('');
      const done = final(chat.model, path, text, reason, scripted.toolCalls);
      return sendJson(response, 200, done);
    }
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const streamed = await streamTokens(response, tokens, {
      server,
      resetAfterTokens: options.resetAfterTokens,
      tokenDelayMs: options.tokenDelayMs,
      sendToken: (token) => response.write(`${JSON.stringify(chunk(chat.model, path, token))}\n`),
    });
    if (!streamed) return;
    if (server.fault === 'reset') return cutConnection(response);
    response.end(`${JSON.stringify(final(chat.model, path, '', reason, scripted.toolCalls))}\n`);
  };

  const show = (response: ServerResponse, body: { model?: string; name?: string }) => {
    const tag = fullTag(body.model ?? body.name ?? '');
    if (!models.has(tag)) return sendJson(response, 404, { error: `model '${body.model}' not found` });
    return sendJson(response, 200, {
      modelfile: '',
      parameters: '',
      template: '{{ .Prompt }}',
      details: details(),
      model_info: { 'general.architecture': 'llama', 'llama.context_length': options.contextLength ?? 8192 },
      capabilities: [
        'completion',
        ...(withoutTools.has(tag) ? [] : ['tools']),
        ...(vision.has(tag) ? ['vision'] : []),
      ],
    });
  };

  const server = await startScriptedServer(handle, {
    handlesHang: true,
    ...(options.port !== undefined && { port: options.port }),
    ...(options.host !== undefined && { host: options.host }),
  });
  return {
    url: server.url,
    requests,
    embedRequests,
    get active() {
      return active;
    },
    loaded,
    setFault: (fault) => server.setFault(fault),
    setReply: script.set,
    close: () => server.close(),
  };
}

/** Ollama continues a trailing assistant message; the script does the same when the text matches. */
function continuation(tokens: string[], chat: OllamaChatRequest): string[] {
  const last = chat.messages?.at(-1);
  if (last?.role !== 'assistant' || !last.content) return tokens;
  let said = '';
  for (const [index, token] of tokens.entries()) {
    if (said === last.content) return tokens.slice(index);
    said += token;
  }
  return said === last.content ? [] : tokens;
}

function chunk(model: string, path: string, token: string) {
  const base = { model, created_at: new Date().toISOString(), done: false };
  return path === '/api/chat'
    ? { ...base, message: { role: 'assistant', content: token } }
    : { ...base, response: token };
}

function final(
  model: string,
  path: string,
  text: string,
  reason: string,
  toolCalls?: OllamaReply['toolCalls'],
) {
  const base = {
    model,
    created_at: new Date().toISOString(),
    done: true,
    done_reason: reason,
    total_duration: 1000,
    prompt_eval_count: 10,
    eval_count: 10,
  };
  if (path !== '/api/chat') return { ...base, response: text };
  const message: Record<string, unknown> = { role: 'assistant', content: text };
  if (toolCalls?.length) {
    message.tool_calls = toolCalls.map((call) => ({
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return { ...base, message };
}

function details() {
  return { format: 'gguf', family: 'llama', parameter_size: '3B', quantization_level: 'Q4_K_M' };
}

function describe(tag: string) {
  return {
    name: tag,
    model: tag,
    modified_at: new Date(0).toISOString(),
    size: 1,
    digest: tag,
    details: details(),
  };
}
