import type { ModelDefinition } from '@chatty/shared';
import type { OllamaChatBody, OllamaChatChunk } from '../pool/ollama-types.js';

/**
 * The one interface every model provider sits behind. The prompt, the tool loop and the router speak
 * one message shape (Ollama's, where the gateway began: roles system/user/assistant/tool, tool calls
 * with parsed arguments) and read one streamed shape back; each adapter translates both ways, so the
 * chat turn and `/v1` stream, call tools and fail over the same way whoever serves the model.
 * Failures are `WorkerFailure`s, typed so the router can tell "try elsewhere" from "cut mid-answer".
 */
export interface ChatClient {
  /**
   * Streams one generation. `body.model` is the model's id in the models config (the adapter maps it
   * to the provider's name); `body.options` holds Ollama's option names (`num_predict` is the token
   * cap); `onChunk` gets text and tool calls as they arrive and one final chunk with `done` and usage.
   */
  chat(body: OllamaChatBody, signal: AbortSignal, onChunk: (chunk: OllamaChatChunk) => void): Promise<void>;
  /** Embeds texts with an embedding model (`/v1/embeddings`): Ollama workers and OpenAI-compatible APIs. */
  embed?(model: string, input: string[], signal: AbortSignal): Promise<Embedded>;
  /** Readies a model ahead of the first message (Ollama loads it; a hosted API has nothing to do). */
  load(model: ModelDefinition, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface Embedded {
  embeddings: number[][];
  promptTokens: number;
}

/** What the router asks of a model before prompting it: the window to fit, and whether it takes tools. */
export interface ModelDescription {
  contextLength: number;
  tools: boolean;
  /** False when the model is known to take no images (Ollama's `vision` capability); unknown otherwise. */
  vision?: boolean;
}

/**
 * One place that serves models, as the pool sees it: an Ollama worker, or a hosted API endpoint. The
 * pool picks among these by health, the models they serve, what is loaded, and how busy they are.
 */
export interface ModelWorker {
  /** Where it is, for `/api/models` and logs: never with credentials in it. */
  readonly url: string;
  readonly provider: ModelDefinition['provider'];
  readonly client: ChatClient;
  /** Generations it runs at once; more wait in the pool's queue. */
  readonly concurrency: number;
  healthy: boolean;
  /** True once the first health check has finished, whatever it found. */
  checked: boolean;
  inFlight: number;
  lastError: string | null;
  /** Generations sent here that have had no token yet; a worker found down gives them up at once. */
  readonly waitingForFirstToken: Set<AbortController>;
  has(model: string): boolean;
  isLoaded(model: string): boolean;
  /** Records that a generation of the model succeeded here (it is in memory now). */
  noteLoaded(model: string): void;
  refresh(): Promise<void>;
  markDown(reason: string): void;
  describe(model: ModelDefinition): Promise<ModelDescription>;
}
