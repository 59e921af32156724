import {
  INGEST_QUEUE,
  type IngestJob,
  type Logger,
  type ObjectStore,
  settleConnection,
} from '@chatty/shared';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { IngestConfig } from './config.js';
import { markFailed } from './db/file.repository.js';
import type { Db } from './db/schema.js';
import { ExtractionSandbox } from './extract/sandbox.js';
import { type IngestDeps, ingestFile } from './jobs/ingest.job.js';
import { reconcileJobs } from './jobs/reconcile.js';

export function extractLimitsOf(config: IngestConfig) {
  return {
    maxPages: config.INGEST_MAX_PAGES,
    maxChars: config.INGEST_MAX_CHARS,
    maxUnzippedBytes: config.INGEST_MAX_UNZIPPED_BYTES,
    maxJsonDepth: config.INGEST_MAX_JSON_DEPTH,
  };
}

/**
 * The BullMQ consumer of `ingest`, with its sandbox and the periodic reconciliation. close() stops
 * taking jobs, waits for the running ones, and stops the extraction threads.
 */
export async function startIngestWorker(
  config: IngestConfig,
  deps: { db: Db; store: ObjectStore; log: Logger },
) {
  const log = deps.log.child({ component: 'ingest-worker' });
  // BullMQ's blocking commands need unlimited retries per request.
  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  connection.on('error', (error) => log.warn({ reason: error.message }, 'redis connection error'));
  const sandbox = new ExtractionSandbox({
    size: config.INGEST_CONCURRENCY,
    timeoutMs: config.INGEST_TIMEOUT_MS,
    maxMemoryMb: config.INGEST_MAX_MEMORY_MB,
  });
  const ingest: IngestDeps = {
    ...deps,
    log,
    sandbox,
    limits: extractLimitsOf(config),
    maxFileSize: config.MAX_FILE_SIZE,
  };
  const queue = new Queue<IngestJob>(INGEST_QUEUE, { connection, prefix: config.REDIS_PREFIX });

  const handle = async (job: Job<IngestJob>) => {
    const { fileId } = job.data;
    try {
      const outcome = await ingestFile(
        ingest,
        fileId,
        (fraction) => void job.updateProgress(fraction).catch(() => {}),
      );
      if (outcome.status === 'failed') throw new UnrecoverableError(outcome.reason);
      return outcome;
    } catch (error) {
      if (error instanceof UnrecoverableError) throw error;
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 >= attempts) {
        await markFailed(
          deps.db,
          fileId,
          'the file could not be processed (storage or database unavailable); upload it again',
        ).catch(() => {});
      }
      log.warn(
        { fileId, attempt: job.attemptsMade + 1, reason: (error as Error).message },
        'ingest attempt failed',
      );
      throw error;
    }
  };
  const worker = new Worker<IngestJob>(INGEST_QUEUE, handle, {
    connection,
    prefix: config.REDIS_PREFIX,
    concurrency: config.INGEST_CONCURRENCY,
    lockDuration: config.INGEST_LOCK_MS,
    stalledInterval: config.INGEST_LOCK_MS,
    maxStalledCount: 2,
  });
  worker.on('error', (error) => log.warn({ reason: error.message }, 'worker error'));

  const reconcile = () =>
    reconcileJobs(deps.db, queue, log).catch((error: Error) =>
      log.warn({ reason: error.message }, 'reconciliation failed'),
    );
  await reconcile();
  const timer = setInterval(reconcile, config.INGEST_RECONCILE_INTERVAL_MS);
  timer.unref();

  return {
    worker,
    queue,
    async close() {
      clearInterval(timer);
      await settleConnection(worker);
      await worker.close();
      await settleConnection(queue);
      await queue.close();
      await sandbox.close();
      connection.disconnect();
    },
  };
}

export type IngestWorker = Awaited<ReturnType<typeof startIngestWorker>>;
