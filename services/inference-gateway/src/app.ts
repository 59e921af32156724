import {
  authPlugin,
  createDb,
  createLogger,
  createServiceApp,
  createServiceClient,
  createSessionTokens,
  type Logger,
  loadModelCatalog,
  type ModelCatalog,
  parseTrustProxy,
  pingDatabase,
  remoteApiKeyResolver,
  remoteSessionCheck,
  resolveSecretKey,
  serverLimitsOf,
  serviceToken,
  sessionSigningKeys,
} from '@chatty/shared';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { Confirmations } from './chat/confirmations.js';
import { GptRuntimes } from './chat/gpt-runtimes.js';
import { ingestApi } from './clients/ingest.client.js';
import { registryApi } from './clients/registry.client.js';
import { type GatewayConfig, ollamaWorkers } from './config.js';
import type { Db, GatewayDatabase } from './db/schema.js';
import { chatAdmission } from './limits/chat-admission.js';
import { GenerationLeases } from './limits/generation-leases.js';
import { ModelRouter } from './pool/model-router.js';
import { WorkerPool } from './pool/worker-pool.js';
import { readApiKeys } from './providers/api-key.js';
import { modelWorkers } from './providers/model-workers.js';
import { internalRoutes } from './routes/internal/index.js';
import { modelRoutes } from './routes/models/index.js';
import { openAiRoutes } from './routes/openai/index.js';
import { sessionRoutes } from './routes/sessions/index.js';
import { usageRoutes } from './routes/usage/index.js';
import { actionRunnerPageReader } from './search/page-reader.js';
import { searxng } from './search/searxng.client.js';
import './gateway-app.js';

/** How much of a web page the model reads (about 1500 tokens). */
const PAGE_CHARS = 6000;

export interface GatewayOverrides {
  db?: Db;
  models?: ModelCatalog;
  logger?: Logger;
  /** Where hosted models' `apiKeyEnv` variables are read; the process environment by default. */
  env?: Record<string, string | undefined>;
}

/** A ready gateway app; it never listens (server.ts does) and closes what it opened. */
export async function buildGateway(config: GatewayConfig, overrides: GatewayOverrides = {}) {
  const logger =
    overrides.logger ??
    createLogger({ name: 'inference-gateway', level: config.LOG_LEVEL, debug: config.DEBUG });
  const db = overrides.db ?? createDb<GatewayDatabase>(config.DATABASE_URL, { max: config.DB_POOL_MAX });
  const models = overrides.models ?? loadModelCatalog(config.MODELS_CONFIG);
  const secret = resolveSecretKey(config.SECRET_KEY, config.DATA_DIR);
  const registryClient = createServiceClient({
    name: 'gpt-registry',
    baseUrl: config.REGISTRY_URL,
    token: serviceToken(secret, 'gpt-registry'),
  });
  const ingestClient = config.INGEST_URL
    ? createServiceClient({
        name: 'file-ingest',
        baseUrl: config.INGEST_URL,
        token: serviceToken(secret, 'file-ingest', config.INGEST_SERVICE_TOKEN),
      })
    : undefined;
  const workers = modelWorkers(models, {
    ollama: ollamaWorkers(config),
    idleTimeoutMs: config.GENERATION_IDLE_TIMEOUT_MS,
    hostedRetryMs: config.HOSTED_MODEL_RETRY_MS,
    apiKeys: readApiKeys(models.models, overrides.env ?? process.env),
  });
  const pool = new WorkerPool(workers, {
    queueLimit: config.WORKER_QUEUE_LIMIT,
    queueLimitPerUser: config.WORKER_QUEUE_LIMIT_PER_USER,
    queueTimeoutMs: config.WORKER_QUEUE_TIMEOUT_MS,
    healthIntervalMs: config.WORKER_HEALTH_INTERVAL_MS,
    log: logger.child({ component: 'worker-pool' }),
  });
  const router = new ModelRouter(
    pool,
    models,
    logger.child({ component: 'model-router' }),
    config.MAX_OUTPUT_TOKENS,
  );
  const limits = {
    userPerMinute: config.CHAT_RATE_PER_MINUTE,
    userConcurrent: config.CHAT_MAX_CONCURRENT,
    keyPerMinute: config.CHAT_KEY_RATE_PER_MINUTE,
    keyConcurrent: config.CHAT_KEY_MAX_CONCURRENT,
  };
  // Redis holds what every replica must see alike: pending confirmations, and the limits' counters.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
  const limitsOn = Object.values(limits).some((limit) => limit > 0);
  const leases = limitsOn
    ? new GenerationLeases(redis, config.CHAT_LEASE_TTL_MS, logger.child({ component: 'chat-limits' }))
    : undefined;

  const app = await createServiceApp({
    service: 'inference-gateway',
    logger,
    trustProxy: parseTrustProxy(config.TRUST_PROXY),
    limits: serverLimitsOf(config),
    readiness: {
      // Not the model workers: they come and go on their own, and GET /api/models reports them.
      postgres: pingDatabase(db),
      redis: () => redis.ping(),
    },
    openapi: {
      title: 'Chatty chat API',
      description: 'Sessions, streaming answers, model routing and the OpenAI-compatible API.',
      version: '0.1.0',
    },
  });
  app.decorate('chatDb', db);
  app.decorate('models', models);
  app.decorate('router', router);
  app.decorate('registryClient', registryClient);
  const registry = registryApi(registryClient);
  app.decorate('registryApi', registry);
  app.decorate('limitsRedis', limitsOn ? redis : undefined);
  app.decorate(
    'confirmations',
    new Confirmations(redis, config.REDIS_PREFIX, config.CONFIRMATION_TIMEOUT_MS),
  );
  app.decorate('turnDeps', {
    router,
    models,
    registry,
    runtimes: new GptRuntimes(registry),
    ingest: ingestApi(ingestClient),
    log: logger,
    toolMaxSteps: config.TOOL_MAX_STEPS,
    toolLoopTimeoutMs: config.TOOL_LOOP_TIMEOUT_MS,
    ...(config.SEARXNG_URL && {
      web: {
        search: searxng(config.SEARXNG_URL, config.WEB_SEARCH_RESULTS),
        ...(config.ACTION_RUNNER_URL && {
          reader: actionRunnerPageReader(
            createServiceClient({
              name: 'action-runner',
              baseUrl: config.ACTION_RUNNER_URL,
              token: serviceToken(secret, 'action-runner', config.ACTION_RUNNER_TOKEN),
            }),
            PAGE_CHARS,
          ),
        }),
      },
    }),
  });
  pool.start();
  app.addHook('onClose', async () => {
    await pool.close();
    leases?.close();
    // quit, not disconnect: slots released by the last answers still reach Redis.
    await redis.quit().catch(() => redis.disconnect());
    if (!overrides.db) await db.destroy();
  });

  await app.register(authPlugin, {
    sessions: createSessionTokens(sessionSigningKeys(config, secret)),
    sessionIsLive: remoteSessionCheck(registryClient),
    resolveApiKey: remoteApiKeyResolver(registryClient),
  });
  if (limitsOn) {
    await app.register(rateLimit, { global: false, redis, nameSpace: `${config.REDIS_PREFIX}:rate-limit:` });
  }
  app.decorate(
    'admitChat',
    chatAdmission(app as unknown as FastifyInstance, limits, leases, config.REDIS_PREFIX),
  );
  await app.register(sessionRoutes, { maxSessions: config.QUOTA_SESSIONS });
  await app.register(modelRoutes);
  await app.register(usageRoutes);
  await app.register(openAiRoutes);
  await app.register(internalRoutes, { token: serviceToken(secret, 'inference-gateway') });
  return app;
}

export type GatewayApp = Awaited<ReturnType<typeof buildGateway>>;
