import {
  createDb,
  createLogger,
  createServiceApp,
  type Logger,
  loadModelCatalog,
  logRedisOutages,
  type ModelCatalog,
  type ObjectStore,
  objectStoreFrom,
  parseTrustProxy,
  pingDatabase,
  resolveSecretKey,
  serverLimitsOf,
  serviceToken,
  serviceTokenPlugin,
} from '@chatty/shared';
import { Redis } from 'ioredis';
import type { RegistryConfig } from './config.js';
import type { Db } from './db/index.js';
import { actionsPlugin } from './plugins/actions.plugin.js';
import { authPlugin } from './plugins/auth.plugin.js';
import { clientsPlugin } from './plugins/clients.plugin.js';
import { configPlugin } from './plugins/config.plugin.js';
import { dbPlugin } from './plugins/db.plugin.js';
import { deletionPlugin } from './plugins/deletion.plugin.js';
import { gptNoticesPlugin } from './plugins/gpt-notices.plugin.js';
import { modelsPlugin } from './plugins/models.plugin.js';
import { queuePlugin } from './plugins/queue.plugin.js';
import { rateLimitPlugin } from './plugins/rate-limit.plugin.js';
import { redisPlugin } from './plugins/redis.plugin.js';
import { storagePlugin } from './plugins/storage.plugin.js';
import { registryRoutes } from './routes/index.js';

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
    overrides.redis ??
    new Redis(config.REDIS_URL, {
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      // The commands of concurrent requests issued in one tick go out in one write.
      enableAutoPipelining: true,
    });
  logRedisOutages(redis, logger, 'registry');
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
  // What the routes reach through `app` (src/plugins/): each plugin names the ones it needs.
  await app.register(configPlugin, { config });
  await app.register(dbPlugin, { db, owned: !overrides.db });
  await app.register(gptNoticesPlugin, { logger });
  await app.register(redisPlugin, { redis, owned: !overrides.redis });
  await app.register(modelsPlugin, { models });
  await app.register(storagePlugin, { store });
  await app.register(queuePlugin);
  await app.register(clientsPlugin, { secret });
  await app.register(deletionPlugin);
  await app.register(authPlugin, { secret, logger });
  await app.register(rateLimitPlugin, { nameSpace: overrides.rateLimitNamespace });
  await app.register(actionsPlugin, { secret });
  await app.register(serviceTokenPlugin, { token: serviceToken(secret, 'gpt-registry') });

  await app.register(registryRoutes);
  return app;
}

export type RegistryApp = Awaited<ReturnType<typeof buildRegistry>>;
