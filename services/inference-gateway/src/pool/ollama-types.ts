/** The parts of the Ollama API the gateway speaks. */
export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  tool_calls?: OllamaToolCall[];
  tool_name?: string;
  /** A tool result's call, where the client named it (`/v1`'s `tool_call_id`); Ollama pairs by name. */
  tool_call_id?: string;
  /** Base64 images (no `data:` prefix) for a vision model, as Ollama takes them. */
  images?: string[];
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
  /** `"json"` or a JSON schema the answer must follow (Ollama's structured outputs). */
  format?: ResponseFormat;
  /**
   * OpenAI's `tool_choice` where the client set it. Ollama cannot force a call (the `/v1` route narrows
   * the tools it offers instead) and its adapter leaves this out; hosted adapters translate it.
   */
  tool_choice?: ToolChoice;
}

export type ResponseFormat = 'json' | Record<string, unknown>;
export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

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
