import Type, { type Static } from 'typebox';

const ContentPart = Type.Object({ type: Type.String(), text: Type.Optional(Type.String()) });

/** The OpenAI chat request, as far as a local model can honour it; unknown fields are ignored. */
export const CompletionRequest = Type.Object({
  model: Type.String({ minLength: 1 }),
  messages: Type.Array(
    Type.Object({
      role: Type.Union(
        ['system', 'developer', 'user', 'assistant', 'tool'].map((role) => Type.Literal(role)),
      ),
      content: Type.Union([Type.String(), Type.Array(ContentPart), Type.Null()]),
    }),
    { minItems: 1, maxItems: 500 },
  ),
  stream: Type.Optional(Type.Boolean()),
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
  top_p: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  max_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
  max_completion_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
  seed: Type.Optional(Type.Integer()),
});

export type CompletionRequestBody = Static<typeof CompletionRequest>;

export const textOf = (content: CompletionRequestBody['messages'][number]['content']): string =>
  typeof content === 'string' ? content : (content ?? []).map((part) => part.text ?? '').join('');

/** OpenAI's sampling fields in Ollama's names; the router lowers `num_predict` to MAX_OUTPUT_TOKENS. */
export function ollamaOptions(body: CompletionRequestBody): Record<string, unknown> | undefined {
  const options: Record<string, unknown> = {};
  if (body.temperature !== undefined) options.temperature = body.temperature;
  if (body.top_p !== undefined) options.top_p = body.top_p;
  const limit = body.max_completion_tokens ?? body.max_tokens;
  if (limit !== undefined) options.num_predict = limit;
  if (body.seed !== undefined) options.seed = body.seed;
  return Object.keys(options).length ? options : undefined;
}

/** `length` when the answer stopped at its token cap (max_tokens, or MAX_OUTPUT_TOKENS), as OpenAI says it. */
export const finishReasonOf = (generation: { doneReason?: string }) =>
  generation.doneReason === 'length' ? 'length' : 'stop';

export function completion(
  id: string,
  model: string,
  content: string,
  usage: { prompt: number; completion: number },
  finishReason = 'stop',
) {
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
    },
  };
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
