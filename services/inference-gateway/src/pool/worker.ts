import type { ModelDefinition } from '@chatty/shared';
import type { ModelDescription, ModelWorker } from '../providers/chat-client.js';
import { OllamaClient, type OllamaClientOptions } from './ollama-client.js';
import { fullTag } from './ollama-types.js';

/** One Ollama worker as the pool sees it: reachable or not, what it has, what it has loaded, how busy. */
export class Worker implements ModelWorker {
  readonly provider = 'ollama' as const;
  readonly client: OllamaClient;
  readonly concurrency: number;
  healthy = false;
  /** True once the first health check has finished, whatever it found. */
  checked = false;
  models = new Set<string>();
  loaded = new Set<string>();
  inFlight = 0;
  lastError: string | null = null;
  /** Generations sent here that have had no token yet; a worker found down gives them up at once. */
  readonly waitingForFirstToken = new Set<AbortController>();
  private contexts = new Map<string, ModelDescription>();

  constructor(
    readonly url: string,
    options: OllamaClientOptions & {
      concurrency: number;
      /** Ids of models a hosted provider serves: never sent here, even if a tag of that name is pulled. */
      hosted?: ReadonlySet<string>;
    },
  ) {
    this.client = new OllamaClient(url, options);
    this.concurrency = options.concurrency;
    this.hosted = options.hosted ?? new Set();
  }

  private readonly hosted: ReadonlySet<string>;

  has(model: string): boolean {
    return !this.hosted.has(model) && this.models.has(fullTag(model));
  }

  isLoaded(model: string): boolean {
    return this.loaded.has(fullTag(model));
  }

  noteLoaded(model: string): void {
    this.loaded.add(fullTag(model));
  }

  private refreshing: Promise<void> | undefined;

  /** One check at a time: a slow worker's checks must not pile up behind each other. */
  refresh(): Promise<void> {
    this.refreshing ??= this.check().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async check(): Promise<void> {
    try {
      const [tags, ps] = await Promise.all([
        this.client.json<{ models: Array<{ name: string }> }>('GET', '/api/tags'),
        this.client.json<{ models: Array<{ name: string }> }>('GET', '/api/ps'),
      ]);
      this.models = new Set(tags.models.map((model) => fullTag(model.name)));
      this.loaded = new Set(ps.models.map((model) => fullTag(model.name)));
      this.healthy = true;
      this.lastError = null;
    } catch (error) {
      this.markDown((error as Error).message);
    } finally {
      this.checked = true;
    }
  }

  markDown(reason: string): void {
    this.healthy = false;
    this.lastError = reason;
    // A hung worker would hold these until the idle timeout (long, for cold model loads); they are
    // moved to another worker instead.
    for (const attempt of this.waitingForFirstToken) attempt.abort(new Error(`worker down: ${reason}`));
  }

  /**
   * The window the model runs with here and whether it takes tools. Ollama runs a model with num_ctx
   * (4096 by default), not the model's maximum, unless the models config says otherwise.
   */
  async describe(model: ModelDefinition): Promise<ModelDescription> {
    const shown = await this.show(model.id);
    const configured = model.options?.num_ctx;
    return { ...shown, contextLength: configured ?? Math.min(shown.contextLength, 4096) };
  }

  /** The model's context window and whether it takes tools, from `/api/show` (asked once). */
  private async show(model: string): Promise<ModelDescription> {
    const known = this.contexts.get(fullTag(model));
    if (known) return known;
    const show = await this.client.json<{ model_info?: Record<string, unknown>; capabilities?: string[] }>(
      'POST',
      '/api/show',
      { model },
    );
    const length = Object.entries(show.model_info ?? {}).find(([key]) =>
      key.endsWith('.context_length'),
    )?.[1];
    const described = {
      contextLength: typeof length === 'number' ? length : 2048,
      // Older Ollama versions have no capabilities list; they accept tools for models that support them.
      tools: show.capabilities ? show.capabilities.includes('tools') : true,
      ...(show.capabilities && { vision: show.capabilities.includes('vision') }),
    };
    this.contexts.set(fullTag(model), described);
    return described;
  }
}
