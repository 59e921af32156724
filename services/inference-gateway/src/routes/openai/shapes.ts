import { randomUUID } from 'node:crypto';
import Type, { type Static } from 'typebox';
import type { OllamaToolCall } from '../../pool/ollama-types.js';

/** One content part (`messages.ts` checks parts against this shape). */
export const ContentPart = Type.Object({
  type: Type.String(),
  text: Type.Optional(Type.String()),
  image_url: Type.Optional(
    Type.Union([Type.String(), Type.Object({ url: Type.String(), detail: Type.Optional(Type.String()) })]),
  ),
});

const ToolCall = Type.Object({
  id: Type.String(),
  type: Type.Optional(Type.Literal('function')),
  function: Type.Object({ name: Type.String({ minLength: 1 }), arguments: Type.String() }),
});

const Tool = Type.Object({
  type: Type.Literal('function'),
  function: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 64 }),
    description: Type.Optional(Type.String()),
    parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
});

const ToolChoice = Type.Union([
  Type.Literal('auto'),
  Type.Literal('none'),
  Type.Literal('required'),
  Type.Object({ type: Type.Literal('function'), function: Type.Object({ name: Type.String() }) }),
]);

const ResponseFormat = Type.Union([
  Type.Object({ type: Type.Literal('text') }),
  Type.Object({ type: Type.Literal('json_object') }),
  Type.Object({
    type: Type.Literal('json_schema'),
    json_schema: Type.Object({
      name: Type.Optional(Type.String()),
      schema: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      strict: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    }),
  }),
]);

/** The OpenAI chat request, as far as a local model can honour it; unknown fields are ignored. */
export const CompletionRequest = Type.Object({
  model: Type.String({ minLength: 1 }),
  messages: Type.Array(
    Type.Object({
      role: Type.Union(
        ['system', 'developer', 'user', 'assistant', 'tool'].map((role) => Type.Literal(role)),
      ),
      // A string, null, or content parts: checked in messages.ts, because Ajv's array coercion turns a
      // one-part array into its part while it tries the string branch of a union.
      content: Type.Optional(Type.Unknown()),
      tool_calls: Type.Optional(Type.Array(ToolCall)),
      tool_call_id: Type.Optional(Type.String()),
      name: Type.Optional(Type.String()),
    }),
    { minItems: 1, maxItems: 500 },
  ),
  tools: Type.Optional(Type.Array(Tool, { maxItems: 128 })),
  tool_choice: Type.Optional(ToolChoice),
  response_format: Type.Optional(ResponseFormat),
  stop: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 4 }), Type.Null()])),
  n: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
  stream_options: Type.Optional(
    Type.Union([Type.Object({ include_usage: Type.Optional(Type.Boolean()) }), Type.Null()]),
  ),
  stream: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
  top_p: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  max_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
  max_completion_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
  seed: Type.Optional(Type.Integer()),
});

export type CompletionRequestBody = Static<typeof CompletionRequest>;

export type ContentPartBody = Static<typeof ContentPart>;

/** OpenAI's sampling fields in Ollama's names; the router lowers `num_predict` to MAX_OUTPUT_TOKENS. */
export function ollamaOptions(body: CompletionRequestBody): Record<string, unknown> | undefined {
  const options: Record<string, unknown> = {};
  if (body.temperature !== undefined) options.temperature = body.temperature;
  if (body.top_p !== undefined) options.top_p = body.top_p;
  const limit = body.max_completion_tokens ?? body.max_tokens;
  if (limit !== undefined) options.num_predict = limit;
  if (body.seed !== undefined) options.seed = body.seed;
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
