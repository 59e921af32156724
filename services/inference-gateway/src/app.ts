import {
  createDb,
  createLogger,
  createServiceApp,
  type Logger,
  loadModelCatalog,
  logRedisOutages,
  type ModelCatalog,
  parseTrustProxy,
  pingDatabase,
  resolveSecretKey,
  serverLimitsOf,
  serviceToken,
  serviceTokenPlugin,
} from '@chatty/shared';
import { Redis } from 'ioredis';
import type { GatewayConfig } from './config.js';
import type { Db, GatewayDatabase } from './db/schema.js';
import { type GatewayState, gatewayMetrics } from './gateway-metrics.js';
import { authPlugin } from './plugins/auth.plugin.js';
import { clientsPlugin } from './plugins/clients.plugin.js';
import { configPlugin } from './plugins/config.plugin.js';
import { dbPlugin } from './plugins/db.plugin.js';
import { limitsPlugin } from './plugins/limits.plugin.js';
import { modelsPlugin } from './plugins/models.plugin.js';
import { redisPlugin } from './plugins/redis.plugin.js';
import { turnPlugin } from './plugins/turn.plugin.js';
import { gatewayRoutes } from './routes/index.js';

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
  const redis = new Redis(config.REDIS_URL, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    // The commands of concurrent requests issued in one tick go out in one write.
    enableAutoPipelining: true,
  });
  logRedisOutages(redis, logger, 'limits');

  let built: GatewayState | undefined;
  const app = await createServiceApp({
    service: 'inference-gateway',
    metrics: gatewayMetrics(() => built),
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
  // What the routes reach through `app` (src/plugins/): each plugin names the ones it needs. Closed
  // in reverse: the worker pool first, then the limits' leases, Redis, and the database last.
  await app.register(configPlugin, { config });
  await app.register(dbPlugin, { db, owned: !overrides.db });
  await app.register(redisPlugin, { redis });
  await app.register(limitsPlugin, { redis, logger });
  await app.register(modelsPlugin, { models, env: overrides.env ?? process.env, logger });
  await app.register(clientsPlugin, { secret });
  await app.register(authPlugin, { secret, redis, logger });
  await app.register(turnPlugin, { logger });
  await app.register(serviceTokenPlugin, { token: serviceToken(secret, 'inference-gateway') });
  await app.register(gatewayRoutes);
  built = { pool: app.pool, heldSessions: app.heldSessions };
  return app;
}

export type GatewayApp = Awaited<ReturnType<typeof buildGateway>>;
