import type { IncomingMessage, ServerResponse } from 'node:http';
import { conceptEmbedding } from './concept-embedding.js';
import {
  cutConnection,
  type HostedServerOptions,
  type HostedTestServer,
  presentedKey,
  readJsonBody,
  replyScript,
  sendJson,
  startScriptedServer,
  streamTokens,
} from './scripted-http.js';

/** A chat completion request as an OpenAI-compatible server receives it (the fields tests read). */
export interface OpenAiChatRequest {
  model: string;
  messages: Array<{
    role: string;
    content: string | null;
    tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
  }>;
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: unknown } }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
}

export type OpenAiServerOptions = HostedServerOptions<OpenAiChatRequest>;

/** An embeddings request as an OpenAI-compatible server receives it. */
interface EmbeddingRequest {
  model: string;
  input?: string | string[];
}

export interface OpenAiTestServer extends HostedTestServer<OpenAiChatRequest> {
  /** The base URL a client configures (`…/v1`). */
  baseUrl: string;
  /** Every embedding request: the model and how many texts. */
  embedRequests: Array<{ model: string; inputs: number }>;
}

/**
 * A real HTTP server speaking OpenAI's `/v1/chat/completions` (SSE chunks, tool-call deltas, the usage
 * chunk of `stream_options.include_usage`, `[DONE]`), `/v1/embeddings` (vectors by meaning, as
 * `conceptEmbedding` makes them) and `/v1/models`, with scripted answers and
 * faults. It checks what a real server checks: the key, the model, and that every tool message answers
 * a tool call of an earlier assistant message.
 */
export async function startOpenAiServer(options: OpenAiServerOptions): Promise<OpenAiTestServer> {
  const requests: OpenAiTestServer['requests'] = [];
  const embedRequests: OpenAiTestServer['embedRequests'] = [];
  const script = replyScript(options.reply);

  const handle = async (request: IncomingMessage, response: ServerResponse, path: string) => {
    const body = (request.method === 'POST' ? await readJsonBody(request) : {}) as OpenAiChatRequest;
    const key = presentedKey(request);
    if (options.apiKey && key !== options.apiKey) {
      return error(response, 401, 'invalid_api_key', `Incorrect API key provided: ${key ?? '(none)'}.`);
    }
    if (path === '/v1/models') {
      return sendJson(response, 200, {
        object: 'list',
        data: options.models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'test' })),
      });
    }
    if (path === '/v1/embeddings') return embed(response, body as unknown as EmbeddingRequest);
    if (path !== '/v1/chat/completions') return error(response, 404, 'not_found', `No route ${path}`);
    requests.push({ path, headers: request.headers, body });
    if (server.fault === 'busy') return error(response, 429, 'rate_limit_exceeded', 'Rate limit reached');
    if (!options.models.includes(body.model))
      return error(response, 404, 'model_not_found', `The model \`${body.model}\` does not exist`);
    const unanswered = unansweredToolMessage(body);
    if (unanswered)
      return error(response, 400, 'invalid_request_error', `tool_call_id ${unanswered} has no tool call`);
    const scripted = script.reply(body);
    if (scripted.error) return error(response, scripted.error.status, 'scripted', scripted.error.message);
    const cap = body.max_completion_tokens ?? body.max_tokens;
    const all = scripted.tokens ?? [];
    const tokens = cap !== undefined && all.length > cap ? all.slice(0, cap) : all;
    const calls = (scripted.toolCalls ?? []).map((call, index) => ({
      id: `call_${requests.length}_${index}`,
      type: 'function' as const,
      function: { name: call.name, arguments: JSON.stringify(call.arguments) },
    }));
    const finish = calls.length ? 'tool_calls' : tokens.length < all.length ? 'length' : 'stop';
    const usage = { prompt_tokens: 12, completion_tokens: tokens.length, total_tokens: 12 + tokens.length };
    if (!body.stream) {
      return sendJson(response, 200, {
        id: 'chatcmpl-test',
        object: 'chat.completion',
        created: 0,
        model: body.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: tokens.join(''),
              ...(calls.length && { tool_calls: calls }),
            },
            finish_reason: finish,
          },
        ],
        usage,
      });
    }
    const send = (data: unknown) => response.write(`data: ${JSON.stringify(data)}\n\n`);
    const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
      id: 'chatcmpl-test',
      object: 'chat.completion.chunk',
      created: 0,
      model: body.model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    });
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    send(chunk({ role: 'assistant', content: '' }));
    const whole = await streamTokens(response, tokens, {
      server,
      resetAfterTokens: options.resetAfterTokens,
      tokenDelayMs: options.tokenDelayMs,
      sendToken: (content) => send(chunk({ content })),
      sendError: () =>
        send({
          error: { message: 'The server had an error while processing your request', type: 'server_error' },
        }),
    });
    if (!whole) return;
    if (server.fault === 'reset') return cutConnection(response);
    // Tool calls arrive as deltas: the id and name first, then the arguments in pieces.
    for (const [index, call] of calls.entries()) {
      send(
        chunk({
          tool_calls: [
            { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
          ],
        }),
      );
      const half = Math.ceil(call.function.arguments.length / 2);
      for (const part of [call.function.arguments.slice(0, half), call.function.arguments.slice(half)])
        send(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
    send(chunk({}, finish));
    if (body.stream_options?.include_usage) send({ ...chunk({}), choices: [], usage });
    response.end('data: [DONE]\n\n');
  };

  /** OpenAI's answer: `data` in input order with their `index`, usage in tokens (words, here). */
  const embed = (response: ServerResponse, body: EmbeddingRequest) => {
    if (server.fault === 'busy') return error(response, 429, 'rate_limit_exceeded', 'Rate limit reached');
    if (!options.models.includes(body.model))
      return error(response, 404, 'model_not_found', `The model \`${body.model}\` does not exist`);
    const inputs = [body.input ?? []].flat();
    if (inputs.length === 0 || !inputs.every((input) => typeof input === 'string' && input.length > 0))
      return error(response, 400, 'invalid_request_error', "'input' must be a non-empty string or array");
    embedRequests.push({ model: body.model, inputs: inputs.length });
    const tokens = inputs.reduce((sum, input) => sum + input.split(/\s+/).length, 0);
    sendJson(response, 200, {
      object: 'list',
      data: inputs.map((input, index) => ({
        object: 'embedding',
        index,
        embedding: conceptEmbedding(input),
      })),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  };

  const server = await startScriptedServer(handle);
  return {
    url: server.url,
    baseUrl: `${server.url}/v1`,
    requests,
    embedRequests,
    setFault: (fault) => server.setFault(fault),
    setReply: script.set,
    close: () => server.close(),
  };
}

function error(response: ServerResponse, status: number, code: string, message: string) {
  sendJson(response, status, { error: { message, type: code, param: null, code } });
}

function unansweredToolMessage(body: OpenAiChatRequest): string | undefined {
  const called = new Set<string>();
  for (const message of body.messages ?? []) {
    for (const call of message.tool_calls ?? []) called.add(call.id);
    if (message.role === 'tool' && !called.has(message.tool_call_id ?? ''))
      return message.tool_call_id ?? '(none)';
  }
  return undefined;
}
