import type { Logger, ModelCatalog } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ollamaWorkers } from '../config.js';
import { ModelRouter } from '../pool/model-router.js';
import { WorkerPool } from '../pool/worker-pool.js';
import { readApiKeys } from '../providers/api-key.js';
import { modelWorkers } from '../providers/model-workers.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The models GPTs may name (MODELS_CONFIG), with aliases and fallbacks. */
    models: ModelCatalog;
    /** The model workers (Ollama and hosted), health-checked, with the queue in front of them. */
    pool: WorkerPool;
    /** Picks a worker for a model and falls back along the model's chain. */
    router: ModelRouter;
  }
}

export interface ModelsPluginOptions {
  models: ModelCatalog;
  /** Where hosted models' `apiKeyEnv` variables are read. */
  env: Record<string, string | undefined>;
  logger: Logger;
}

/** The models, the pool of workers that serve them, and the router between the two. */
export const modelsPlugin = fp(
  async (app: FastifyInstance, { models, env, logger }: ModelsPluginOptions) => {
    const { gatewayConfig: config } = app;
    const workers = modelWorkers(models, {
      ollama: ollamaWorkers(config),
      idleTimeoutMs: config.GENERATION_IDLE_TIMEOUT_MS,
      hostedRetryMs: config.HOSTED_MODEL_RETRY_MS,
      apiKeys: readApiKeys(models.models, env),
    });
    const pool = new WorkerPool(workers, {
      queueLimit: config.WORKER_QUEUE_LIMIT,
      queueLimitPerUser: config.WORKER_QUEUE_LIMIT_PER_USER,
      queueTimeoutMs: config.WORKER_QUEUE_TIMEOUT_MS,
      healthIntervalMs: config.WORKER_HEALTH_INTERVAL_MS,
      log: logger.child({ component: 'worker-pool' }),
    });
    app.decorate('models', models);
    app.decorate('pool', pool);
    app.decorate(
      'router',
      new ModelRouter(pool, models, logger.child({ component: 'model-router' }), config.MAX_OUTPUT_TOKENS),
    );
    pool.start();
    app.addHook('onClose', async () => pool.close());
  },
  { name: 'gateway-models', dependencies: ['gateway-config'] },
);
