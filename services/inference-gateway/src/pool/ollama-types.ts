/** The parts of the Ollama API the gateway speaks. */
export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  tool_calls?: OllamaToolCall[];
  tool_name?: string;
}

export interface OllamaToolCall {
  /** The call's id where the provider gives one (OpenAI, Anthropic); a tool result answers it. */
  id?: string;
  function: { name: string; arguments: Record<string, unknown> };
}

export interface OllamaTool {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface OllamaChatBody {
  model: string;
  messages: OllamaMessage[];
  tools?: OllamaTool[];
  stream?: boolean;
  keep_alive?: string | number;
  options?: Record<string, unknown>;
}

/** One NDJSON line of a streamed `/api/chat` answer. */
export interface OllamaChatChunk {
  message?: { role: string; content?: string; tool_calls?: OllamaToolCall[] };
  done: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  error?: string;
}

/** Why a call to a worker failed; decides whether another worker or another model is tried. */
export type WorkerFailureKind = 'unreachable' | 'busy' | 'rejected' | 'broken';

export class WorkerFailure extends Error {
  constructor(
    readonly kind: WorkerFailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'WorkerFailure';
  }
}

/** `phi3` and `phi3:latest` are the same Ollama model. */
export const fullTag = (name: string) => (name.includes(':') ? name : `${name}:latest`);
