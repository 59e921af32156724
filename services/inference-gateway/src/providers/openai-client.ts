import type { ModelDefinition } from '@chatty/shared';
import {
  type OllamaChatBody,
  type OllamaChatChunk,
  type OllamaMessage,
  type OllamaToolCall,
  type ResponseFormat,
  WorkerFailure,
} from '../pool/ollama-types.js';
import type { ChatClient, Embedded } from './chat-client.js';
import { HostedHttp, type HostedHttpOptions } from './hosted-http.js';
import { imageMediaType } from './image-media-type.js';
import { parseArguments, toolCallIds } from './tool-call-ids.js';

interface OpenAiDelta {
  content?: string | null;
  tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }>;
}

interface OpenAiChunk {
  choices?: Array<{ delta?: OpenAiDelta; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string };
}

/**
 * The adapter for OpenAI's chat completions API and the servers that copy it (vLLM, llama.cpp's
 * server, LM Studio, LiteLLM): the gateway's messages become OpenAI's (tool calls with ids, tool
 * results answering them), and the SSE chunks come back as text, accumulated tool calls, and usage.
 */
export class OpenAiClient implements ChatClient {
  private readonly http: HostedHttp;

  constructor(
    options: HostedHttpOptions,
    /** The provider's name of each model id this endpoint serves. */
    private readonly upstreamOf: (id: string) => string,
  ) {
    this.http = new HostedHttp(options);
    this.apiKey = options.apiKey;
  }

  private readonly apiKey: string | undefined;

  /**
   * Upstream models that refused `max_tokens` (OpenAI's reasoning models take only
   * `max_completion_tokens`, which older OpenAI-compatible servers do not know): they get the newer name.
   */
  private readonly completionTokenModels = new Set<string>();

  async chat(body: OllamaChatBody, signal: AbortSignal, onChunk: (chunk: OllamaChatChunk) => void) {
    const model = this.upstreamOf(body.model);
    try {
      await this.stream(model, body, signal, onChunk);
    } catch (error) {
      if (this.completionTokenModels.has(model) || !refusedMaxTokens(error)) throw error;
      // Refused before any token went out, so asking again with the other name repeats nothing.
      this.completionTokenModels.add(model);
      await this.stream(model, body, signal, onChunk);
    }
  }

  private async stream(
    model: string,
    body: OllamaChatBody,
    signal: AbortSignal,
    onChunk: (chunk: OllamaChatChunk) => void,
  ) {
    const options = body.options ?? {};
    const request = {
      model,
      messages: toOpenAiMessages(body.messages),
      ...(body.tools?.length && { tools: body.tools }),
      ...(body.tools?.length && body.tool_choice && { tool_choice: body.tool_choice }),
      ...(body.format && { response_format: responseFormat(body.format) }),
      stream: true,
      // Without it the stream carries no token counts.
      stream_options: { include_usage: true },
      ...sampling(options, this.completionTokenModels.has(model) ? 'max_completion_tokens' : 'max_tokens'),
    };
    const calls: Array<{ id?: string; name: string; arguments: string }> = [];
    let finish: string | null | undefined;
    let usage: OpenAiChunk['usage'];
    const done = () => {
      const toolCalls: OllamaToolCall[] = calls.map((call) => ({
        ...(call.id && { id: call.id }),
        function: { name: call.name, arguments: parseArguments(call.arguments) },
      }));
      onChunk({
        message: { role: 'assistant', content: '', ...(toolCalls.length && { tool_calls: toolCalls }) },
        done: true,
        done_reason: finish === 'length' ? 'length' : 'stop',
        prompt_eval_count: usage?.prompt_tokens ?? 0,
        eval_count: usage?.completion_tokens ?? 0,
      });
      return true;
    };
    await this.http.stream(
      '/chat/completions',
      this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {},
      request,
      signal,
      (event) => {
        if (event.data === '[DONE]') return done();
        const chunk = JSON.parse(event.data) as OpenAiChunk;
        // vLLM and others report a failure mid-stream as a chunk holding `error`.
        if (chunk.error) throw new WorkerFailure('broken', chunk.error.message ?? 'error mid-stream');
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices?.[0];
        if (!choice) return false;
        if (choice.finish_reason) finish = choice.finish_reason;
        const text = choice.delta?.content;
        if (text) onChunk({ message: { role: 'assistant', content: text }, done: false });
        for (const part of choice.delta?.tool_calls ?? []) {
          calls[part.index] ??= { name: '', arguments: '' };
          const call = calls[part.index]!;
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name += part.function.name;
          if (part.function?.arguments) call.arguments += part.function.arguments;
        }
        return false;
      },
      [429, 500, 502, 503, 504],
    );
  }

  /** `/embeddings`: one vector per input, put back in input order by each item's `index`. */
  async embed(model: string, input: string[], signal: AbortSignal): Promise<Embedded> {
    const answer = await this.http.postJson<{
      data?: Array<{ index?: number; embedding?: number[] }>;
      usage?: { prompt_tokens?: number };
    }>(
      '/embeddings',
      this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {},
      { model: this.upstreamOf(model), input },
      signal,
      [429, 500, 502, 503, 504],
    );
    const data = answer.data ?? [];
    const byIndex = new Map(data.map((item, position) => [item.index ?? position, item.embedding]));
    const embeddings = input.map((_, index) => byIndex.get(index));
    if (data.length !== input.length || !embeddings.every((vector) => Array.isArray(vector) && vector.length))
      throw this.http.failure('rejected', `${input.length} inputs, not as many embeddings`);
    return { embeddings: embeddings as number[][], promptTokens: answer.usage?.prompt_tokens ?? 0 };
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

/** Ollama's option names in OpenAI's: `num_predict` is the token cap the router always sets. */
function sampling(
  options: Record<string, unknown>,
  tokenCap: 'max_tokens' | 'max_completion_tokens',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof options.num_predict === 'number') out[tokenCap] = options.num_predict;
  for (const name of ['temperature', 'top_p', 'seed'] as const)
    if (typeof options[name] === 'number') out[name] = options[name];
  if (Array.isArray(options.stop) && options.stop.length) out.stop = options.stop;
  return out;
}

/**
 * OpenAI's 400 for `max_tokens` on a reasoning model: "Unsupported parameter: 'max_tokens' is not
 * supported with this model. Use 'max_completion_tokens' instead."
 */
function refusedMaxTokens(error: unknown): boolean {
  return (
    error instanceof WorkerFailure &&
    error.status === 400 &&
    /max_tokens/.test(error.message) &&
    /max_completion_tokens/.test(error.message)
  );
}

/** Ollama's `format` as OpenAI's `response_format`: `"json"`, or a schema the answer follows. */
function responseFormat(format: ResponseFormat): Record<string, unknown> {
  if (format === 'json') return { type: 'json_object' };
  return { type: 'json_schema', json_schema: { name: 'answer', schema: format } };
}

/** A user turn with images becomes OpenAI's content parts, the images as data URLs. */
function contentOf(message: OllamaMessage): unknown {
  if (!message.images?.length) return message.content;
  return [
    ...(message.content ? [{ type: 'text', text: message.content }] : []),
    ...message.images.map((image) => ({
      type: 'image_url',
      image_url: { url: `data:${imageMediaType(image)};base64,${image}` },
    })),
  ];
}

/** The gateway's messages as OpenAI's: a tool result names the call it answers by id. */
export function toOpenAiMessages(messages: OllamaMessage[]): Array<Record<string, unknown>> {
  const ids = toolCallIds(messages);
  return messages.map((message, index) => {
    if (message.role === 'assistant' && message.tool_calls?.length) {
      return {
        role: 'assistant',
        content: message.content || null,
        tool_calls: message.tool_calls.map((call, at) => ({
          id: ids.callIds[index]![at],
          type: 'function',
          function: { name: call.function.name, arguments: JSON.stringify(call.function.arguments ?? {}) },
        })),
      };
    }
    if (message.role === 'tool')
      return { role: 'tool', tool_call_id: ids.resultIds[index], content: message.content };
    return { role: message.role, content: contentOf(message) };
  });
}
