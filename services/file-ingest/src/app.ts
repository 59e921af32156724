import {
  createDb,
  createLogger,
  createServiceApp,
  INGEST_QUEUE,
  type Logger,
  logRedisOutages,
  type ObjectStore,
  objectStoreFrom,
  parseTrustProxy,
  pingDatabase,
  resolveSecretKey,
  serverLimitsOf,
  serviceToken,
  serviceTokenPlugin,
} from '@chatty/shared';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { IngestConfig } from './config.js';
import type { Db, IngestDatabase } from './db/schema.js';
import { configPlugin } from './plugins/config.plugin.js';
import { dbPlugin } from './plugins/db.plugin.js';
import { embedderPlugin } from './plugins/embedder.plugin.js';
import { queuePlugin } from './plugins/queue.plugin.js';
import { storagePlugin } from './plugins/storage.plugin.js';
import { workerPlugin } from './plugins/worker.plugin.js';
import { ingestJobsMetric } from './queue-metrics.js';
import { ingestRoutes } from './routes/index.js';

export interface IngestOverrides {
  db?: Db;
  logger?: Logger;
  store?: ObjectStore;
}

/**
 * file-ingest: health, metrics and search over HTTP. It never listens and starts no worker: server.ts
 * does both (startWorker, for INGEST_WORKER). It closes what it opened.
 */
export async function buildIngest(config: IngestConfig, overrides: IngestOverrides = {}) {
  const logger =
    overrides.logger ?? createLogger({ name: 'file-ingest', level: config.LOG_LEVEL, debug: config.DEBUG });
  const db = overrides.db ?? createDb<IngestDatabase>(config.DATABASE_URL, { max: config.DB_POOL_MAX });
  const store = overrides.store ?? objectStoreFrom(config);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: true });
  logRedisOutages(redis, logger, 'queue-metrics');
  // Its own credential, not the master secret (see ACTION_RUNNER_TOKEN for why).
  const token =
    config.INGEST_SERVICE_TOKEN ??
    serviceToken(resolveSecretKey(config.SECRET_KEY, config.DATA_DIR), 'file-ingest');
  // Counts the queue for /metrics (an autoscaler's input), on every replica, worker or not.
  const queue = new Queue(INGEST_QUEUE, { connection: redis, prefix: config.REDIS_PREFIX });
  queue.on('error', () => {});

  const app = await createServiceApp({
    service: 'file-ingest',
    logger,
    trustProxy: parseTrustProxy(config.TRUST_PROXY),
    limits: serverLimitsOf(config),
    metrics: [ingestJobsMetric(queue)],
    readiness: {
      postgres: pingDatabase(db),
      redis: () => redis.ping(),
      s3: () => store.ping(),
    },
  });
  // What the routes and the worker reach through `app` (src/plugins/): each plugin names the ones it
  // needs. Closed in reverse: the worker first, the database last.
  await app.register(configPlugin, { config });
  await app.register(dbPlugin, { db, owned: !overrides.db });
  await app.register(queuePlugin, { queue, redis });
  await app.register(storagePlugin, { store });
  await app.register(embedderPlugin, { logger });
  await app.register(serviceTokenPlugin, { token });
  await app.register(workerPlugin);
  await app.register(ingestRoutes);
  return app;
}

export type IngestApp = Awaited<ReturnType<typeof buildIngest>>;
