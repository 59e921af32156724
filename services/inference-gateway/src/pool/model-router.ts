import { AppError, type Logger, type ModelCatalog, type ModelDefinition } from '@chatty/shared';
import type { ModelDescription, ModelWorker as Worker } from '../providers/chat-client.js';
import { countGeneration } from '../usage/usage-meter.js';
import type {
  OllamaMessage,
  OllamaTool,
  OllamaToolCall,
  ResponseFormat,
  ToolChoice,
} from './ollama-types.js';
import { WorkerFailure } from './ollama-types.js';
import { numPredict } from './output-cap.js';
import { NoWorkerForModel, type WorkerPool } from './worker-pool.js';

export interface GenerateRequest {
  model: ModelDefinition;
  messages: OllamaMessage[];
  tools?: OllamaTool[];
  signal: AbortSignal;
  /** The user the answer is for: the pool's queue takes turns between users. */
  owner?: string;
  /** Sampling options for this request, over the model's configured ones. */
  options?: Record<string, unknown>;
  /** A JSON answer (`/v1`'s `response_format`). */
  format?: ResponseFormat;
  /** `/v1`'s `tool_choice`, for the providers that can honour it. */
  toolChoice?: ToolChoice;
  /** Called with each piece of text as the worker sends it. */
  onToken?(text: string): void;
}

export interface Generation {
  content: string;
  toolCalls: OllamaToolCall[];
  /** The model that answered: the one asked for, or one from its fallback chain. */
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** Ollama's `done_reason`: `length` when the answer was cut at its token cap. */
  doneReason?: string;
}

const streamBroken = (message: string) => new AppError(502, 'MODEL_STREAM_BROKEN', message);
export const modelUnavailable = (model: string) =>
  new AppError(503, 'MODEL_UNAVAILABLE', `No model worker can serve ${model} right now; retry shortly`, {
    'retry-after': '5',
  });

/**
 * Runs one generation on the pool: a worker that fails before the first token is swapped for another
 * that has the model; when none is left the model's fallback chain is tried in order (a chain may cross
 * providers: local Ollama first, a hosted API when every local worker is down). A stream cut
 * half-way resumes once on another worker by sending the text so far as the assistant's message, which
 * Ollama continues; with no worker to resume on, the failure reaches the caller.
 */
export class ModelRouter {
  constructor(
    readonly pool: WorkerPool,
    readonly catalog: ModelCatalog,
    private readonly log: Logger,
    /** MAX_OUTPUT_TOKENS: every generation is sent with `num_predict` at most this. */
    private readonly maxOutputTokens = 4096,
  ) {}

  /** The model itself, then its fallbacks (and theirs), each once. */
  chainOf(model: ModelDefinition): ModelDefinition[] {
    const chain: ModelDefinition[] = [];
    const visit = (each: ModelDefinition | undefined) => {
      if (!each || chain.includes(each) || each.kind === 'synth') return;
      chain.push(each);
      for (const name of each.fallback) visit(this.catalog.resolve(name));
    };
    visit(model);
    return chain;
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    const chain = this.chainOf(request.model);
    for (const model of chain) {
      try {
        return await this.onModel(model, request);
      } catch (error) {
        if (!(error instanceof NoWorkerForModel)) throw error;
        if (model !== chain.at(-1))
          this.log.warn({ model: model.id }, 'model unavailable; trying its fallback');
      }
    }
    throw modelUnavailable(request.model.id);
  }

  private async onModel(model: ModelDefinition, request: GenerateRequest): Promise<Generation> {
    const tried = new Set<Worker>();
    let said = '';
    let pieces = 0;
    let resumed = false;
    for (;;) {
      let worker: Worker;
      try {
        worker = await this.pool.acquire(model.id, tried, request.signal, request.owner);
      } catch (error) {
        if (said && error instanceof NoWorkerForModel)
          throw streamBroken('The model worker failed mid-answer');
        throw error;
      }
      let succeeded = false;
      // The caller's own failure while taking a token, which the worker's client would otherwise
      // report as a broken stream: the worker is fine, and nothing is retried.
      let callerFailure: { error: unknown } | undefined;
      try {
        const generation = await this.once(worker, model, request, { said, pieces }, (text) => {
          said += text;
          pieces++;
          try {
            request.onToken?.(text);
          } catch (error) {
            callerFailure = { error };
            throw error;
          }
        });
        succeeded = true;
        countGeneration(model, generation.promptTokens, generation.completionTokens);
        return { ...generation, content: said };
      } catch (error) {
        if (callerFailure) throw callerFailure.error;
        if (request.signal.aborted || !(error instanceof WorkerFailure)) throw error;
        tried.add(worker);
        if (error.kind === 'unreachable' || error.kind === 'broken')
          this.pool.markDown(worker, error.message);
        this.log.warn(
          { worker: worker.url, model: model.id, kind: error.kind, err: error },
          'generation failed',
        );
        if (said) {
          // Tool calls arrive at the end, so a cut stream with tools offered cannot be stitched back.
          if (resumed || request.tools?.length) throw streamBroken('The model worker failed mid-answer');
          resumed = true;
        }
      } finally {
        this.pool.release(worker, model.id, succeeded, request.owner);
      }
    }
  }

  private async once(
    worker: Worker,
    model: ModelDefinition,
    request: GenerateRequest,
    progress: { said: string; pieces: number },
    onText: (text: string) => void,
  ): Promise<Omit<Generation, 'content'>> {
    const toolCalls: OllamaToolCall[] = [];
    let promptTokens = 0;
    let completionTokens = 0;
    let streamedPieces = 0;
    let doneReason: string | undefined;
    const attempt = new AbortController();
    worker.waitingForFirstToken.add(attempt);
    try {
      await this.stream(
        worker,
        model,
        request,
        progress,
        AbortSignal.any([request.signal, attempt.signal]),
        (chunk) => {
          worker.waitingForFirstToken.delete(attempt);
          const text = chunk.message?.content;
          if (text) {
            streamedPieces++;
            onText(text);
          }
          if (chunk.message?.tool_calls) toolCalls.push(...chunk.message.tool_calls);
          if (chunk.done) {
            promptTokens = chunk.prompt_eval_count ?? 0;
            completionTokens = chunk.eval_count ?? 0;
            doneReason = chunk.done_reason;
          }
        },
      );
    } catch (error) {
      // A stream cut short (the worker failed, or the client left) has no final counts, yet a hosted
      // API bills what it sent: count each streamed piece as a token and estimate the prompt.
      if (streamedPieces > 0) countGeneration(model, estimatedPromptTokens(request.messages), streamedPieces);
      if (attempt.signal.aborted && !request.signal.aborted) {
        throw new WorkerFailure('unreachable', (attempt.signal.reason as Error).message);
      }
      throw error;
    } finally {
      worker.waitingForFirstToken.delete(attempt);
    }
    return {
      toolCalls,
      model: model.id,
      promptTokens,
      completionTokens,
      ...(doneReason && { doneReason }),
    };
  }

  private stream(
    worker: Worker,
    model: ModelDefinition,
    request: GenerateRequest,
    { said, pieces }: { said: string; pieces: number },
    signal: AbortSignal,
    onChunk: Parameters<Worker['client']['chat']>[2],
  ): Promise<void> {
    // Ollama streams one token per chunk, so the pieces already sent count against the cap.
    const limit = numPredict(request.options?.num_predict, this.maxOutputTokens, pieces);
    return worker.client.chat(
      {
        model: model.id,
        messages: said ? [...request.messages, { role: 'assistant', content: said }] : request.messages,
        ...(request.tools?.length && { tools: request.tools }),
        ...(request.tools?.length && request.toolChoice && { tool_choice: request.toolChoice }),
        ...(request.format && { format: request.format }),
        options: { ...model.options, ...request.options, num_predict: limit },
        ...(model.keepAlive !== undefined && { keep_alive: model.keepAlive }),
      },
      signal,
      onChunk,
    );
  }

  /** Loads a model on a worker (the one that has it loaded already, if any) and sets its keep-alive. */
  async load(
    model: ModelDefinition,
    signal: AbortSignal,
    owner?: string,
  ): Promise<{ model: string; worker: string }> {
    const worker = await this.pool.acquire(model.id, new Set(), signal, owner).catch((error) => {
      if (error instanceof NoWorkerForModel) throw modelUnavailable(model.id);
      throw error;
    });
    let succeeded = false;
    try {
      await worker.client.load(model, signal);
      succeeded = true;
      return { model: model.id, worker: worker.url };
    } catch (error) {
      if (error instanceof WorkerFailure) throw modelUnavailable(model.id);
      throw error;
    } finally {
      this.pool.release(worker, model.id, succeeded, owner);
    }
  }

  /** Context length and tool support of a model, asked of a worker that serves it (a healthy one first). */
  async describe(model: ModelDefinition): Promise<ModelDescription> {
    const serving = this.pool.workers.filter((each) => each.has(model.id));
    const worker = serving.find((each) => each.healthy) ?? serving[0];
    const guess = { contextLength: model.options?.num_ctx ?? 4096, tools: true };
    if (!worker) return guess;
    return worker.describe(model).catch(() => guess);
  }
}

/** About four characters a token: the usual rule for English text, used only when no count came back. */
function estimatedPromptTokens(messages: OllamaMessage[]): number {
  let characters = 0;
  for (const message of messages) characters += message.content.length;
  return Math.ceil(characters / 4);
}
