import {
  authPlugin,
  createDb,
  createLogger,
  createServiceApp,
  createServiceClient,
  createSessionTokens,
  hashApiKey,
  type Logger,
  loadModelCatalog,
  type ModelCatalog,
  type ObjectStore,
  objectStoreFrom,
  parseTrustProxy,
  pingDatabase,
  resolveSecretKey,
  serverLimitsOf,
  serviceToken,
  sessionSigningKeys,
} from '@chatty/shared';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { createActionExecutor } from './actions/execute-action.js';
import { scheduleRunRetention } from './actions/run-retention.js';
import { actionSecretKeys } from './auth/action-secret-keys.js';
import { LoginBackoff } from './auth/login-backoff.js';
import { createSessionRecord } from './auth/session-record.js';
import type { RegistryConfig } from './config.js';
import { resolveApiKeyOwner } from './db/api-key.repository.js';
import type { Db } from './db/index.js';
import { knowledgePlugin } from './files/knowledge-plugin.js';
import { quotaLimitsOf } from './quotas/quotas.js';
import { actionRoutes } from './routes/actions/index.js';
import { adminRoutes } from './routes/admin/index.js';
import { authRoutes } from './routes/auth/index.js';
import { sessionRoutes } from './routes/auth/sessions.route.js';
import { catalogueRoutes } from './routes/catalogue/index.js';
import { gptContextRoutes } from './routes/context/index.js';
import { fileRoutes } from './routes/files/index.js';
import { gptRoutes } from './routes/gpts/index.js';
import { portableRoutes } from './routes/gpts/portable.route.js';
import { internalActionRoutes } from './routes/internal/actions.route.js';
import { internalAuthRoutes } from './routes/internal/auth.route.js';
import { internalChatRoutes } from './routes/internal/chat.route.js';
import { internalLookupRoutes } from './routes/internal/lookup.route.js';
import { internalTurnRoutes } from './routes/internal/turn.route.js';
import { keyRoutes } from './routes/keys/index.js';
import { modelRoutes } from './routes/models/index.js';
import { shareRoutes } from './routes/shares/index.js';
import { templateRoutes } from './routes/templates/index.js';
import { usageRoutes } from './routes/usage/index.js';
import { workspaceRoutes } from './routes/workspaces/index.js';
import './registry-app.js';

export interface RegistryOverrides {
  db?: Db;
  redis?: Redis;
  models?: ModelCatalog;
  store?: ObjectStore;
  logger?: Logger;
  /** Namespace for rate-limit counters, so parallel test files do not share them. */
  rateLimitNamespace?: string;
}

/** A ready registry app; it never listens (server.ts does) and closes what it opened. */
export async function buildRegistry(config: RegistryConfig, overrides: RegistryOverrides = {}) {
  const logger =
    overrides.logger ?? createLogger({ name: 'gpt-registry', level: config.LOG_LEVEL, debug: config.DEBUG });
  const db = overrides.db ?? createDb(config.DATABASE_URL, { max: config.DB_POOL_MAX });
  const redis =
    overrides.redis ?? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
  const models = overrides.models ?? loadModelCatalog(config.MODELS_CONFIG);
  const store = overrides.store ?? objectStoreFrom(config);
  const secret = resolveSecretKey(config.SECRET_KEY, config.DATA_DIR);

  const app = await createServiceApp({
    service: 'gpt-registry',
    logger,
    trustProxy: parseTrustProxy(config.TRUST_PROXY),
    limits: serverLimitsOf(config),
    readiness: {
      postgres: pingDatabase(db),
      redis: () => redis.ping(),
      // Making the bucket when it is missing, not only reporting it: a store that was down when the
      // registry started is then ready as soon as it is back, without a restart.
      s3: () => store.ensureBucket(),
    },
    openapi: {
      title: 'Chatty API',
      description: 'Custom GPTs on your own models: accounts, API keys, GPT configurations and versions.',
      version: '0.1.0',
    },
  });
  app.decorate('db', db);
  app.decorate('models', models);
  app.decorate('quotas', quotaLimitsOf(config));
  app.decorate('sessions', createSessionTokens(sessionSigningKeys(config, secret), config.SESSION_TTL));
  app.decorate(
    'sessionRecord',
    createSessionRecord({
      db,
      redis,
      prefix: config.REDIS_PREFIX,
      tokens: app.sessions,
      log: logger.child({ component: 'sessions' }),
    }),
  );
  app.addHook('onClose', async () => {
    if (!overrides.db) await db.destroy();
    if (!overrides.redis) redis.disconnect();
  });

  await app.register(authPlugin, {
    sessions: app.sessions,
    sessionIsLive: (claims) => app.sessionRecord.isLive(claims),
    resolveApiKey: (key) => resolveApiKeyOwner(db, hashApiKey(key)),
  });
  await app.register(rateLimit, {
    global: false,
    redis,
    nameSpace: overrides.rateLimitNamespace ?? `${config.REDIS_PREFIX}:rate-limit:`,
  });
  await app.register(authRoutes, {
    allowSignup: config.ALLOW_SIGNUP,
    rateLimits: {
      perAddress: config.AUTH_RATE_LIMIT_PER_ADDRESS,
      windowSeconds: config.AUTH_RATE_LIMIT_WINDOW_SECONDS,
    },
    backoff: new LoginBackoff(
      redis,
      config.REDIS_PREFIX,
      config.AUTH_RATE_LIMIT_PER_ACCOUNT,
      config.AUTH_BACKOFF_MAX_SECONDS,
    ),
  });
  await app.register(sessionRoutes);
  await app.register(adminRoutes);
  await app.register(keyRoutes);
  const gateway = config.GATEWAY_URL
    ? createServiceClient({
        name: 'inference-gateway',
        baseUrl: config.GATEWAY_URL,
        token: serviceToken(secret, 'inference-gateway'),
      })
    : undefined;
  await app.register(gptRoutes, {
    deleteSessions: gateway
      ? async (gptId, requestId) => {
          await gateway({ method: 'DELETE', path: `/internal/gpts/${gptId}/sessions`, requestId });
        }
      : undefined,
  });
  await app.register(knowledgePlugin, { store, config });
  await app.register(fileRoutes, { maxFileSize: config.MAX_FILE_SIZE });
  await app.register(gptContextRoutes);
  await app.register(modelRoutes);
  await app.register(usageRoutes);
  const ownToken = serviceToken(secret, 'gpt-registry');
  await app.register(internalAuthRoutes, { token: ownToken });
  const actionSecretsKey = actionSecretKeys(config.ACTION_SECRETS_KEYS, secret);
  const executeAction = createActionExecutor({
    db,
    key: actionSecretsKey,
    // The runner bounds each call itself (ACTION_TIMEOUT_MS, at most 120 s); this only catches a hung runner.
    runner: createServiceClient({
      name: 'action-runner',
      baseUrl: config.ACTION_RUNNER_URL,
      token: serviceToken(secret, 'action-runner', config.ACTION_RUNNER_TOKEN),
      timeoutMs: 125_000,
    }),
  });
  const executionsPerMinute = config.ACTION_RATE_PER_MINUTE;
  await app.register(actionRoutes, { key: actionSecretsKey, execute: executeAction, executionsPerMinute });
  await app.register(portableRoutes, { maxFileSize: config.MAX_FILE_SIZE, actionKey: actionSecretsKey });
  await app.register(internalActionRoutes, { token: ownToken, execute: executeAction, executionsPerMinute });
  await app.register(internalChatRoutes, { token: ownToken });
  await app.register(internalTurnRoutes, { token: ownToken });
  const stopRetention = scheduleRunRetention(db, config.ACTION_RUN_RETENTION_DAYS, (error) =>
    logger.warn({ err: error }, 'pruning old action runs failed; retried in an hour'),
  );
  app.addHook('onClose', async () => stopRetention());
  await app.register(workspaceRoutes);
  await app.register(shareRoutes);
  await app.register(catalogueRoutes);
  await app.register(templateRoutes, { key: actionSecretsKey });
  await app.register(internalLookupRoutes, { token: ownToken });
  return app;
}

export type RegistryApp = Awaited<ReturnType<typeof buildRegistry>>;
