import type { ModelCatalog } from '@chatty/shared';
import { Worker } from '../pool/worker.js';
import type { ModelWorker } from './chat-client.js';
import { HostedEndpoint } from './hosted-endpoint.js';

export interface ModelWorkersOptions {
  /** The Ollama workers, each with the generations it runs at once (OLLAMA_URLS' `#parallel=N`). */
  ollama: Array<{ url: string; parallel: number }>;
  idleTimeoutMs: number;
  /** How long a hosted endpoint found down rests before it is tried again. */
  hostedRetryMs: number;
  /** Each hosted model's API key (readApiKeys). */
  apiKeys: Map<string, string | undefined>;
}

/** Everything the pool routes to: the Ollama workers, and one endpoint per hosted model of the catalog. */
export function modelWorkers(catalog: ModelCatalog, options: ModelWorkersOptions): ModelWorker[] {
  const hostedModels = catalog.models.filter(
    (model) => model.kind !== 'synth' && model.provider !== 'ollama',
  );
  const hosted = new Set(hostedModels.map((model) => model.id));
  return [
    ...options.ollama.map(
      ({ url, parallel }) =>
        new Worker(url, {
          connections: parallel + 2,
          idleTimeoutMs: options.idleTimeoutMs,
          concurrency: parallel,
          hosted,
        }),
    ),
    ...hostedModels.map(
      (model) =>
        new HostedEndpoint(
          model,
          { apiKey: options.apiKeys.get(model.id), idleTimeoutMs: options.idleTimeoutMs },
          options.hostedRetryMs,
        ),
    ),
  ];
}
