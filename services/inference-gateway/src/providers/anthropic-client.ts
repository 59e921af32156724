import type { ModelDefinition } from '@chatty/shared';
import {
  type OllamaChatBody,
  type OllamaChatChunk,
  type OllamaMessage,
  type OllamaToolCall,
  type ResponseFormat,
  type ToolChoice,
  WorkerFailure,
} from '../pool/ollama-types.js';
import type { ChatClient } from './chat-client.js';
import { HostedHttp, type HostedHttpOptions } from './hosted-http.js';
import { imageMediaType } from './image-media-type.js';
import { parseArguments, toolCallIds } from './tool-call-ids.js';

const API_VERSION = '2023-06-01';

type Block =
  | { type: 'text'; text: string }
  | { type: 'image'; source: { type: 'base64'; media_type: string; data: string } }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string };

interface AnthropicEvent {
  type: string;
  message?: { usage?: { input_tokens?: number; output_tokens?: number } };
  content_block?: { type: string; id?: string; name?: string };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null };
  usage?: { output_tokens?: number };
  error?: { type?: string; message?: string };
}

/**
 * The adapter for Anthropic's Messages API: system messages go to the top-level `system`, tool calls
 * become `tool_use` blocks and their results `tool_result` blocks of the next user turn, and the named
 * SSE events (message_start … message_stop) come back as text, tool calls and usage.
 */
export class AnthropicClient implements ChatClient {
  private readonly http: HostedHttp;
  private readonly apiKey: string | undefined;

  constructor(
    options: HostedHttpOptions,
    private readonly upstreamOf: (id: string) => string,
  ) {
    this.http = new HostedHttp(options);
    this.apiKey = options.apiKey;
  }

  async chat(body: OllamaChatBody, signal: AbortSignal, onChunk: (chunk: OllamaChatChunk) => void) {
    const options = body.options ?? {};
    const { system: prompt, messages } = toAnthropicMessages(body.messages);
    // The Messages API has no JSON mode: the format is asked for in words.
    const system = [prompt, body.format && formatNote(body.format)].filter(Boolean).join('\n\n');
    const request = {
      model: this.upstreamOf(body.model),
      ...(system && { system }),
      messages,
      // Required by the API; the router always sets num_predict (MAX_OUTPUT_TOKENS at most).
      max_tokens: typeof options.num_predict === 'number' ? options.num_predict : 4096,
      ...(typeof options.temperature === 'number' && { temperature: Math.min(1, options.temperature) }),
      ...(typeof options.top_p === 'number' && { top_p: options.top_p }),
      ...(Array.isArray(options.stop) && options.stop.length && { stop_sequences: options.stop }),
      ...(body.tools?.length && body.tool_choice && { tool_choice: anthropicToolChoice(body.tool_choice) }),
      ...(body.tools?.length && {
        tools: body.tools.map((tool) => ({
          name: tool.function.name,
          description: tool.function.description,
          input_schema: tool.function.parameters,
        })),
      }),
      stream: true,
    };
    const calls: Array<{ id: string; name: string; json: string }> = [];
    let open: { id: string; name: string; json: string } | undefined;
    let promptTokens = 0;
    let completionTokens = 0;
    let stopReason: string | null | undefined;
    await this.http.stream(
      '/v1/messages',
      { 'anthropic-version': API_VERSION, ...(this.apiKey && { 'x-api-key': this.apiKey }) },
      request,
      signal,
      (message) => {
        const event = JSON.parse(message.data) as AnthropicEvent;
        switch (event.type) {
          case 'message_start':
            promptTokens = event.message?.usage?.input_tokens ?? 0;
            completionTokens = event.message?.usage?.output_tokens ?? 0;
            return false;
          case 'content_block_start':
            if (event.content_block?.type === 'tool_use')
              open = { id: event.content_block.id ?? '', name: event.content_block.name ?? '', json: '' };
            return false;
          case 'content_block_delta':
            if (event.delta?.type === 'text_delta' && event.delta.text)
              onChunk({ message: { role: 'assistant', content: event.delta.text }, done: false });
            if (event.delta?.type === 'input_json_delta' && open) open.json += event.delta.partial_json ?? '';
            return false;
          case 'content_block_stop':
            if (open) calls.push(open);
            open = undefined;
            return false;
          case 'message_delta':
            stopReason = event.delta?.stop_reason ?? stopReason;
            completionTokens = event.usage?.output_tokens ?? completionTokens;
            return false;
          case 'message_stop': {
            const toolCalls: OllamaToolCall[] = calls.map((call) => ({
              id: call.id,
              function: { name: call.name, arguments: parseArguments(call.json) },
            }));
            onChunk({
              message: { role: 'assistant', content: '', ...(toolCalls.length && { tool_calls: toolCalls }) },
              done: true,
              done_reason: stopReason === 'max_tokens' ? 'length' : 'stop',
              prompt_eval_count: promptTokens,
              eval_count: completionTokens,
            });
            return true;
          }
          case 'error':
            throw new WorkerFailure(
              'broken',
              `${event.error?.type ?? 'error'}: ${event.error?.message ?? 'error mid-stream'}`,
            );
          default:
            return false;
        }
      },
      // 529 is Anthropic's "overloaded".
      [429, 500, 502, 503, 504, 529],
    );
  }

  /** Where the API is, without credentials. */
  get url(): string {
    return this.http.url;
  }

  async load(_model: ModelDefinition, _signal: AbortSignal): Promise<void> {}

  close(): Promise<void> {
    return this.http.close();
  }
}

/** OpenAI's tool_choice in Anthropic's words (`required` is `any`). */
function anthropicToolChoice(choice: ToolChoice): Record<string, unknown> {
  if (typeof choice === 'object') return { type: 'tool', name: choice.function.name };
  return { type: choice === 'required' ? 'any' : choice };
}

function formatNote(format: ResponseFormat): string {
  if (format === 'json') return 'Answer with one JSON object and nothing else.';
  return `Answer with one JSON value and nothing else, following this JSON schema: ${JSON.stringify(format)}`;
}

/**
 * The gateway's messages as Anthropic's: every system message joins the top-level system prompt (the
 * note about omitted history too), turns of one role are merged (tool results of one round become
 * one user turn), and the conversation starts with a user turn as the API requires.
 */
export function toAnthropicMessages(messages: OllamaMessage[]): {
  system: string;
  messages: Array<{ role: 'user' | 'assistant'; content: Block[] }>;
} {
  const ids = toolCallIds(messages);
  const system: string[] = [];
  const turns: Array<{ role: 'user' | 'assistant'; content: Block[] }> = [];
  const add = (role: 'user' | 'assistant', blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  messages.forEach((message, index) => {
    const text: Block[] = message.content ? [{ type: 'text', text: message.content }] : [];
    if (message.role === 'system') system.push(message.content);
    else if (message.role === 'user')
      add('user', [
        ...(message.images ?? []).map((data) => ({
          type: 'image' as const,
          source: { type: 'base64' as const, media_type: imageMediaType(data), data },
        })),
        ...text,
      ]);
    else if (message.role === 'tool')
      add('user', [{ type: 'tool_result', tool_use_id: ids.resultIds[index]!, content: message.content }]);
    else
      add('assistant', [
        ...text,
        ...(message.tool_calls ?? []).map((call, at) => ({
          type: 'tool_use' as const,
          id: ids.callIds[index]![at]!,
          name: call.function.name,
          input: call.function.arguments ?? {},
        })),
      ]);
  });
  if (turns[0]?.role !== 'user')
    turns.unshift({ role: 'user', content: [{ type: 'text', text: '(continued)' }] });
  return { system: system.filter(Boolean).join('\n\n'), messages: turns };
}
