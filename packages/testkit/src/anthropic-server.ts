import type { IncomingMessage, ServerResponse } from 'node:http';
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

export type AnthropicBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string | Array<{ type: 'text'; text: string }> };

/** A Messages API request as Anthropic receives it (the fields tests read). */
export interface AnthropicRequest {
  model: string;
  system?: string;
  messages: Array<{ role: string; content: string | AnthropicBlock[] }>;
  tools?: Array<{ name: string; description?: string; input_schema: unknown }>;
  max_tokens: number;
  stream?: boolean;
  temperature?: number;
}

export type AnthropicServerOptions = HostedServerOptions<AnthropicRequest>;
export type AnthropicTestServer = HostedTestServer<AnthropicRequest>;

/**
 * A real HTTP server speaking Anthropic's Messages API (`POST /v1/messages`, streamed as named SSE
 * events: message_start, content_block_start/delta/stop with text and tool_use blocks, message_delta
 * with the stop reason and usage, message_stop, and `error` mid-stream), with scripted answers and
 * faults. It refuses what the real API refuses: no `x-api-key` or `anthropic-version`, a `system` role
 * inside `messages`, no `max_tokens`, and a tool_result that answers no tool_use of the turn before.
 */
export async function startAnthropicServer(options: AnthropicServerOptions): Promise<AnthropicTestServer> {
  const requests: AnthropicTestServer['requests'] = [];
  const script = replyScript(options.reply);

  const handle = async (request: IncomingMessage, response: ServerResponse, path: string) => {
    const body = (request.method === 'POST' ? await readJsonBody(request) : {}) as AnthropicRequest;
    if (options.apiKey && presentedKey(request) !== options.apiKey)
      return error(response, 401, 'authentication_error', 'invalid x-api-key');
    if (path !== '/v1/messages') return error(response, 404, 'not_found_error', `No route ${path}`);
    requests.push({ path, headers: request.headers, body });
    if (!request.headers['anthropic-version'])
      return error(response, 400, 'invalid_request_error', 'anthropic-version: header is required');
    if (server.fault === 'busy') return error(response, 529, 'overloaded_error', 'Overloaded');
    if (!options.models.includes(body.model))
      return error(response, 404, 'not_found_error', `model: ${body.model}`);
    const invalid = invalidRequest(body);
    if (invalid) return error(response, 400, 'invalid_request_error', invalid);
    const scripted = script.reply(body);
    if (scripted.error) return error(response, scripted.error.status, 'api_error', scripted.error.message);
    const all = scripted.tokens ?? [];
    const tokens = all.length > body.max_tokens ? all.slice(0, body.max_tokens) : all;
    const calls = (scripted.toolCalls ?? []).map((call, index) => ({
      type: 'tool_use' as const,
      id: `toolu_${requests.length}_${index}`,
      name: call.name,
      input: call.arguments,
    }));
    const stop = calls.length ? 'tool_use' : tokens.length < all.length ? 'max_tokens' : 'end_turn';
    const usage = { input_tokens: 15, output_tokens: tokens.length };
    if (!body.stream) {
      const text = tokens.length ? [{ type: 'text', text: tokens.join('') }] : [];
      return sendJson(response, 200, {
        id: 'msg_test',
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [...text, ...calls],
        stop_reason: stop,
        usage,
      });
    }
    const send = (event: string, data: Record<string, unknown>) =>
      response.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    send('message_start', {
      message: {
        id: 'msg_test',
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: [],
        stop_reason: null,
        usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
      },
    });
    send('ping', {});
    let block = 0;
    if (tokens.length) {
      send('content_block_start', { index: block, content_block: { type: 'text', text: '' } });
      const whole = await streamTokens(response, tokens, {
        server,
        resetAfterTokens: options.resetAfterTokens,
        tokenDelayMs: options.tokenDelayMs,
        sendToken: (text) =>
          send('content_block_delta', { index: block, delta: { type: 'text_delta', text } }),
        sendError: () => send('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }),
      });
      if (!whole) return;
      send('content_block_stop', { index: block++ });
    }
    if (server.fault === 'reset') return cutConnection(response);
    for (const call of calls) {
      send('content_block_start', { index: block, content_block: { ...call, input: {} } });
      const json = JSON.stringify(call.input);
      const half = Math.ceil(json.length / 2);
      for (const part of [json.slice(0, half), json.slice(half)])
        send('content_block_delta', {
          index: block,
          delta: { type: 'input_json_delta', partial_json: part },
        });
      send('content_block_stop', { index: block++ });
    }
    send('message_delta', {
      delta: { stop_reason: stop, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    });
    send('message_stop', {});
    response.end();
  };

  const server = await startScriptedServer(handle);
  return {
    url: server.url,
    requests,
    setFault: (fault) => server.setFault(fault),
    setReply: script.set,
    close: () => server.close(),
  };
}

function error(response: ServerResponse, status: number, type: string, message: string) {
  sendJson(response, status, { type: 'error', error: { type, message } });
}

function invalidRequest(body: AnthropicRequest): string | undefined {
  if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  if (!body.messages?.length) return 'messages: at least one message is required';
  if (body.messages[0]!.role !== 'user') return 'messages: first message must use the "user" role';
  let offered = new Set<string>();
  for (const message of body.messages) {
    if (message.role !== 'user' && message.role !== 'assistant')
      return `messages: Unexpected role "${message.role}". Use the top-level system parameter`;
    const blocks = typeof message.content === 'string' ? [] : message.content;
    if (message.role === 'assistant') {
      offered = new Set(blocks.flatMap((each) => (each.type === 'tool_use' ? [each.id] : [])));
      continue;
    }
    for (const each of blocks) {
      if (each.type === 'tool_result' && !offered.has(each.tool_use_id))
        return `messages: tool_result block ${each.tool_use_id} has no tool_use block in the previous message`;
    }
  }
  return undefined;
}
