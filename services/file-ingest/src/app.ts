import {
  createDb,
  createLogger,
  createServiceApp,
  INGEST_QUEUE,
  type Logger,
  type ObjectStore,
  objectStoreFrom,
  parseTrustProxy,
  pingDatabase,
  resolveSecretKey,
  serverLimitsOf,
} from '@chatty/shared';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { IngestConfig } from './config.js';
import type { Db, IngestDatabase } from './db/schema.js';
import { ingestJobsMetric } from './queue-metrics.js';
import { searchRoute } from './routes/search.route.js';
import { type IngestWorker, startIngestWorker } from './worker.js';

export interface IngestOverrides {
  db?: Db;
  logger?: Logger;
  store?: ObjectStore;
}

/**
 * file-ingest: health, metrics and search over HTTP, and (INGEST_WORKER) the `ingest` consumer. It
 * never listens (server.ts does) and closes what it opened.
 */
export async function buildIngest(config: IngestConfig, overrides: IngestOverrides = {}) {
  const logger =
    overrides.logger ?? createLogger({ name: 'file-ingest', level: config.LOG_LEVEL, debug: config.DEBUG });
  const db = overrides.db ?? createDb<IngestDatabase>(config.DATABASE_URL, { max: config.DB_POOL_MAX });
  const store = overrides.store ?? objectStoreFrom(config);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: true });
  redis.on('error', () => {});
  const secret = resolveSecretKey(config.SECRET_KEY, config.DATA_DIR);
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
  let worker: IngestWorker | undefined;
  app.addHook('onClose', async () => {
    await worker?.close();
    await queue.close();
    redis.disconnect();
    if (!overrides.db) await db.destroy();
  });
  await app.register(searchRoute, { db, secret });
  if (config.INGEST_WORKER) worker = await startIngestWorker(config, { db, store, log: logger });
  return Object.assign(app, { ingestWorker: worker });
}

export type IngestApp = Awaited<ReturnType<typeof buildIngest>>;
