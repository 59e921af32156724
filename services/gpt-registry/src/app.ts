import {
  authPlugin,
  createDb,
  createLogger,
  createServiceApp,
  createSessionTokens,
  deriveKey,
  hashApiKey,
  type Logger,
  loadModelCatalog,
  type ModelCatalog,
  parseTrustProxy,
  resolveSecretKey,
} from '@chatty/shared';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { RegistryConfig } from './config.js';
import { resolveApiKeyOwner } from './db/api-key.repository.js';
import type { Db } from './db/user.repository.js';
import { authRoutes } from './routes/auth/index.js';
import { gptRoutes } from './routes/gpts/index.js';
import { internalAuthRoutes } from './routes/internal/auth.route.js';
import { keyRoutes } from './routes/keys/index.js';
import { modelRoutes } from './routes/models/index.js';
import './registry-app.js';

export interface RegistryOverrides {
  db?: Db;
  redis?: Redis;
  models?: ModelCatalog;
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
  const secret = resolveSecretKey(config.SECRET_KEY, config.DATA_DIR);

  const app = await createServiceApp({
    service: 'gpt-registry',
    logger,
    trustProxy: parseTrustProxy(config.TRUST_PROXY),
    readiness: {
      postgres: () => sql`select 1`.execute(db),
      redis: () => redis.ping(),
    },
    openapi: {
      title: 'Chatty API',
      description: 'Custom GPTs on your own models: accounts, API keys, GPT configurations and versions.',
      version: '0.1.0',
    },
  });
  app.decorate('db', db);
  app.decorate('models', models);
  app.decorate('sessions', createSessionTokens(deriveKey(secret, 'session-token'), config.SESSION_TTL));
  app.addHook('onClose', async () => {
    if (!overrides.db) await db.destroy();
    if (!overrides.redis) redis.disconnect();
  });

  await app.register(authPlugin, {
    sessions: app.sessions,
    resolveApiKey: (key) => resolveApiKeyOwner(db, hashApiKey(key)),
  });
  await app.register(rateLimit, {
    global: false,
    redis,
    nameSpace: overrides.rateLimitNamespace ?? 'chatty:rate-limit:',
  });
  await app.register(authRoutes, {
    allowSignup: config.ALLOW_SIGNUP,
    rateLimits: {
      perAddress: config.AUTH_RATE_LIMIT_PER_ADDRESS,
      perAccount: config.AUTH_RATE_LIMIT_PER_ACCOUNT,
      windowSeconds: config.AUTH_RATE_LIMIT_WINDOW_SECONDS,
    },
  });
  await app.register(keyRoutes);
  await app.register(gptRoutes);
  await app.register(modelRoutes);
  await app.register(internalAuthRoutes, { secret });
  return app;
}

export type RegistryApp = Awaited<ReturnType<typeof buildRegistry>>;
