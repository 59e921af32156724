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
  serviceToken,
} from '@chatty/shared';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type IngestConfig, ollamaUrlsOf } from './config.js';
import type { Db, IngestDatabase } from './db/schema.js';
import type { Embedder } from './embed/embed-file.js';
import { ollamaEmbeddingClient } from './embed/embedding-client.js';
import { prepareVectorStore } from './embed/vector-store.js';
import type { MeaningSearch } from './fused-search.js';
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
  let worker: IngestWorker | undefined;
  app.addHook('onClose', async () => {
    await worker?.close();
    await embedder?.store.settle();
    await queue.close();
    redis.disconnect();
    if (!overrides.db) await db.destroy();
  });
  const embedder = config.EMBEDDING_MODEL ? await embedderOf(config, db, logger) : undefined;
  const meaning: MeaningSearch | undefined = embedder && {
    client: embedder.client,
    store: embedder.store,
    log: logger,
    queryTimeoutMs: config.EMBEDDING_QUERY_TIMEOUT_MS,
  };
  await app.register(searchRoute, { db, token, meaning });
  if (config.INGEST_WORKER) worker = await startIngestWorker(config, { db, store, log: logger, embedder });
  return Object.assign(app, { ingestWorker: worker });
}

/** The configured embedding model on the Ollama workers, and where its vectors are kept. */
async function embedderOf(config: IngestConfig, db: Db, log: Logger): Promise<Embedder> {
  const model = config.EMBEDDING_MODEL!;
  log.info({ model }, 'retrieval by meaning and words');
  return {
    client: ollamaEmbeddingClient({
      urls: ollamaUrlsOf(config),
      model,
      timeoutMs: config.EMBEDDING_TIMEOUT_MS,
    }),
    store: await prepareVectorStore(db, {
      pgvector: config.EMBEDDING_PGVECTOR,
      scanLimit: config.EMBEDDING_SCAN_LIMIT,
      cacheMb: config.EMBEDDING_SCAN_CACHE_MB,
      log,
    }),
    batchSize: config.EMBEDDING_BATCH_SIZE,
  };
}

export type IngestApp = Awaited<ReturnType<typeof buildIngest>>;
