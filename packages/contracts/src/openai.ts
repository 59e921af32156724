import Type, { type Static, type TSchema } from 'typebox';

/*
 * The OpenAI-compatible API (`/v1`): the requests it validates. Its answers are OpenAI's shapes, which
 * are many and loose; the gateway builds them (routes/openai/shapes.ts) and documents them as objects.
 */

/** A field a client may also send as null, meaning not given. */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

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
      // A string, null, or content parts: checked in messages.ts, whose error names the message as
      // OpenAI's `param` does (messages[0].content), where a union's would name one of its branches.
      content: Type.Optional(Type.Unknown()),
      tool_calls: Type.Optional(Type.Array(ToolCall)),
      tool_call_id: Type.Optional(Type.String()),
      name: Type.Optional(Type.String()),
    }),
    { minItems: 1, maxItems: 500 },
  ),
  tools: Type.Optional(Nullable(Type.Array(Tool, { maxItems: 128 }))),
  tool_choice: Type.Optional(Nullable(ToolChoice)),
  response_format: Type.Optional(Nullable(ResponseFormat)),
  stop: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 4 }), Type.Null()])),
  n: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
  // Not produced: asking for them is refused (generation-options.ts) rather than answered with null.
  logprobs: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  top_logprobs: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 20 }), Type.Null()])),
  stream_options: Type.Optional(
    Type.Union([Type.Object({ include_usage: Type.Optional(Type.Boolean()) }), Type.Null()]),
  ),
  stream: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  // OpenAI takes null for any of these as "not given", and clients send it so (a None in Python).
  temperature: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 2 }))),
  top_p: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1 }))),
  max_tokens: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  max_completion_tokens: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  seed: Type.Optional(Nullable(Type.Integer())),
});

export type CompletionRequestBody = Static<typeof CompletionRequest>;

export type ContentPartBody = Static<typeof ContentPart>;

/** OpenAI's embeddings request. */
export const EmbeddingRequest = Type.Object({
  model: Type.String({ minLength: 1 }),
  input: Type.Union([
    Type.String(),
    Type.Array(Type.String(), { minItems: 1, maxItems: 2048 }),
    // Token arrays are OpenAI's too; they are recognised here only to be refused clearly.
    Type.Array(Type.Unknown()),
  ]),
  encoding_format: Type.Optional(Nullable(Type.Union([Type.Literal('float'), Type.Literal('base64')]))),
  dimensions: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  user: Type.Optional(Nullable(Type.String())),
});
export type EmbeddingRequest = Static<typeof EmbeddingRequest>;

/** OpenAI's error body, which `/v1` answers with (its clients read `type` and `param`). */
export const OpenAiErrorBody = Type.Object({
  error: Type.Object({
    message: Type.String(),
    type: Type.String(),
    param: Type.Union([Type.String(), Type.Null()]),
    code: Type.String(),
  }),
});

/** The response schemas of `/v1` errors (the serializer keeps only what a schema names). */
export function openAiErrorResponses<const S extends readonly number[]>(
  ...statuses: S
): { [K in S[number]]: typeof OpenAiErrorBody } {
  return Object.fromEntries(statuses.map((status) => [status, OpenAiErrorBody])) as {
    [K in S[number]]: typeof OpenAiErrorBody;
  };
}

/** OpenAI's answers are built by the gateway in OpenAI's shapes; they are not checked against a schema. */
export const OpenAiAnswer = Type.Unknown();

export const OpenAiModelParams = Type.Object({ id: Type.String() });
