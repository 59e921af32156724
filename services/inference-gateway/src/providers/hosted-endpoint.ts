import type { ModelDefinition } from '@chatty/shared';
import { AnthropicClient } from './anthropic-client.js';
import type { ChatClient, ModelDescription, ModelWorker } from './chat-client.js';
import type { HostedHttpOptions } from './hosted-http.js';
import { OpenAiClient } from './openai-client.js';

/** A hosted model's window when models.json does not give one: generous, yet what small hosts serve. */
const DEFAULT_CONTEXT = 8192;

/**
 * A hosted API serving one model of the models config, as the pool sees it. It has no health route
 * worth polling (listing models costs requests against a quota, and says little), so it counts as up
 * until a request finds it unreachable or cut, then as down for `retryMs` before it is tried again;
 * meanwhile the model's fallback chain answers.
 */
export class HostedEndpoint implements ModelWorker {
  readonly client: ChatClient & { readonly url: string };
  readonly url: string;
  readonly provider: ModelDefinition['provider'];
  readonly concurrency: number;
  healthy = true;
  checked = true;
  inFlight = 0;
  lastError: string | null = null;
  readonly waitingForFirstToken = new Set<AbortController>();
  private downUntil = 0;

  constructor(
    private readonly model: ModelDefinition,
    http: Omit<HostedHttpOptions, 'baseUrl' | 'connections'>,
    private readonly retryMs: number,
  ) {
    this.provider = model.provider;
    this.concurrency = model.concurrency ?? 16;
    const upstream = () => model.upstreamModel ?? model.tag;
    const options = {
      ...http,
      baseUrl: model.baseUrl ?? 'https://api.anthropic.com',
      connections: this.concurrency + 2,
    };
    this.client =
      model.provider === 'anthropic'
        ? new AnthropicClient(options, upstream)
        : new OpenAiClient(options, upstream);
    this.url = this.client.url;
  }

  has(model: string): boolean {
    return model === this.model.id;
  }

  /** Nothing to load: a hosted model is always warm. */
  isLoaded(model: string): boolean {
    return this.has(model);
  }

  noteLoaded(): void {}

  async refresh(): Promise<void> {
    if (!this.healthy && Date.now() >= this.downUntil) {
      this.healthy = true;
      this.lastError = null;
    }
  }

  markDown(reason: string): void {
    this.healthy = false;
    this.lastError = reason;
    this.downUntil = Date.now() + this.retryMs;
    for (const attempt of this.waitingForFirstToken) attempt.abort(new Error(`endpoint down: ${reason}`));
  }

  async describe(model: ModelDefinition): Promise<ModelDescription> {
    return {
      contextLength: model.contextLength ?? model.options?.num_ctx ?? DEFAULT_CONTEXT,
      tools: model.tools ?? true,
    };
  }
}
