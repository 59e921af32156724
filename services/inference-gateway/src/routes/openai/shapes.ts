import { randomUUID } from 'node:crypto';
import type { CompletionRequestBody } from '@chatty/contracts';
import type { OllamaToolCall } from '../../pool/ollama-types.js';

/** OpenAI's sampling fields in Ollama's names; the router lowers `num_predict` to MAX_OUTPUT_TOKENS. */
export function ollamaOptions(body: CompletionRequestBody): Record<string, unknown> | undefined {
  const options: Record<string, unknown> = {};
  // null is "not given", as OpenAI takes it.
  if (body.temperature != null) options.temperature = body.temperature;
  if (body.top_p != null) options.top_p = body.top_p;
  const limit = body.max_completion_tokens ?? body.max_tokens;
  if (limit != null) options.num_predict = limit;
  if (body.seed != null) options.seed = body.seed;
  const stop = typeof body.stop === 'string' ? [body.stop] : (body.stop ?? []);
  if (stop.length) options.stop = stop;
  return Object.keys(options).length ? options : undefined;
}

/**
 * `tool_calls` when the model called tools, `length` when the answer stopped at its token cap
 * (max_tokens, or MAX_OUTPUT_TOKENS), `stop` otherwise, as OpenAI says it.
 */
export const finishReasonOf = (generation: { doneReason?: string; toolCalls?: unknown[] }) =>
  generation.toolCalls?.length ? 'tool_calls' : generation.doneReason === 'length' ? 'length' : 'stop';

/** OpenAI's usage object. */
const usageOf = (usage: { prompt: number; completion: number }) => ({
  prompt_tokens: usage.prompt,
  completion_tokens: usage.completion,
  total_tokens: usage.prompt + usage.completion,
});

export function completion(
  id: string,
  model: string,
  content: string,
  usage: { prompt: number; completion: number },
  finishReason = 'stop',
  toolCalls: OpenAiToolCall[] = [],
) {
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          // OpenAI sends null content beside tool calls when the model said nothing.
          content: toolCalls.length && !content ? null : content,
          refusal: null,
          ...(toolCalls.length && { tool_calls: toolCalls }),
        },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: usageOf(usage),
  };
}

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** The model's tool calls as OpenAI's: arguments as JSON text, each with an id the result names. */
export const openAiToolCalls = (calls: OllamaToolCall[]): OpenAiToolCall[] =>
  calls.map((call) => ({
    id: call.id ?? `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
    type: 'function',
    function: { name: call.function.name, arguments: JSON.stringify(call.function.arguments ?? {}) },
  }));

/** The streamed form of the tool calls: one delta each, whole, with its index. */
export const toolCallChunks = (id: string, model: string, calls: OpenAiToolCall[]) =>
  calls.map((call, index) => chunk(id, model, { tool_calls: [{ index, ...call }] }));

/** The last chunk when `stream_options.include_usage` is set: no choices, the usage of the whole answer. */
export function usageChunk(id: string, model: string, usage: { prompt: number; completion: number }) {
  return JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [],
    usage: usageOf(usage),
  });
}

export function chunk(
  id: string,
  model: string,
  delta: Record<string, unknown>,
  finishReason: string | null = null,
) {
  return JSON.stringify({
    id,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
}

/**
 * The chunk of one piece of text, built from a prefix made once per stream: this runs for every token,
 * and all but the text is the same each time (OpenAI keeps `created` for the whole stream too).
 */
export function contentChunks(id: string, model: string): (text: string) => string {
  const prefix = chunk(id, model, { content: '' }).split('"content":""')[0]!;
  return (text) => `${prefix}"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}]}`;
}
