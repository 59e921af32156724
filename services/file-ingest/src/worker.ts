import {
  INGEST_QUEUE,
  type IngestJob,
  type Logger,
  logRedisOutages,
  type ObjectStore,
  settleConnection,
} from '@chatty/shared';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { IngestConfig } from './config.js';
import { markFailed, markFailedIfUnfinished } from './db/file.repository.js';
import type { Db } from './db/schema.js';
import { backfillEmbeddings } from './embed/backfill.js';
import type { Embedder } from './embed/embed-file.js';
import { canWatchMemory } from './extract/process-memory.js';
import { ExtractionSandbox } from './extract/sandbox.js';
import { ExtractionCrashed } from './extract/types.js';
import {
  crashesSoFar,
  crashFailureReason,
  failedJobReason,
  type IngestJobData,
} from './jobs/crash-policy.js';
import { type IngestDeps, ingestFile } from './jobs/ingest.job.js';
import { reconcileJobs } from './jobs/reconcile.js';

export function extractLimitsOf(config: IngestConfig) {
  return {
    maxPages: config.INGEST_MAX_PAGES,
    maxChars: config.INGEST_MAX_CHARS,
    maxUnzippedBytes: config.INGEST_MAX_UNZIPPED_BYTES,
    maxJsonDepth: config.INGEST_MAX_JSON_DEPTH,
    maxImagePixels: config.INGEST_MAX_IMAGE_PIXELS,
  };
}

/**
 * The BullMQ consumer of `ingest`, with its sandbox and the periodic reconciliation. close() stops
 * taking jobs, waits for the running ones, and stops the extraction threads.
 */
export async function startIngestWorker(
  config: IngestConfig,
  deps: { db: Db; store: ObjectStore; log: Logger; embedder?: Embedder | undefined },
) {
  const log = deps.log.child({ component: 'ingest-worker' });
  // BullMQ's blocking commands need unlimited retries per request.
  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  logRedisOutages(connection, log, 'ingest-worker');
  if (!canWatchMemory) {
    log.warn('no /proc on this system: extraction memory is capped for the JavaScript heap only');
  }
  const sandbox = new ExtractionSandbox({
    size: config.INGEST_CONCURRENCY,
    timeoutMs: config.INGEST_TIMEOUT_MS,
    maxMemoryMb: config.INGEST_MAX_MEMORY_MB,
  });
  const { embedder, ...rest } = deps;
  const ingest: IngestDeps = {
    ...rest,
    ...(embedder && { embedder }),
    log,
    sandbox,
    limits: extractLimitsOf(config),
    maxFileSize: config.MAX_FILE_SIZE,
  };
  const queue = new Queue<IngestJob>(INGEST_QUEUE, { connection, prefix: config.REDIS_PREFIX });

  const failForGood = async (fileId: string, reason: string) => {
    await markFailed(deps.db, fileId, reason);
    log.warn({ fileId, reason }, 'file failed: its extraction died too often');
    return new UnrecoverableError(reason);
  };

  /**
   * An extraction that died (memory, time, a crash) is tried again after the queue's backoff, the job
   * waiting meanwhile so the files behind it go on; after INGEST_MAX_CRASHES deaths, the file fails.
   */
  const onCrash = async (job: Job<IngestJobData>, crash: ExtractionCrashed) => {
    const count = crashesSoFar(job) + 1;
    const lastCrash = { message: crash.message, kind: crash.kind };
    if (count >= config.INGEST_MAX_CRASHES || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
      return failForGood(job.data.fileId, crashFailureReason(count, lastCrash));
    }
    await job.updateData({ ...job.data, crashes: (job.data.crashes ?? 0) + 1, lastCrash });
    log.warn(
      { fileId: job.data.fileId, crashes: count, reason: crash.message },
      'extraction died; will retry',
    );
    return crash;
  };

  const handle = async (job: Job<IngestJobData>) => {
    const { fileId } = job.data;
    // Runs that died with the whole worker (BullMQ's stalls) count too: a file must not take down
    // worker after worker forever.
    const crashes = crashesSoFar(job);
    if (crashes >= config.INGEST_MAX_CRASHES) {
      throw await failForGood(fileId, crashFailureReason(crashes, job.data.lastCrash));
    }
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
      if (error instanceof ExtractionCrashed) throw await onCrash(job, error);
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
  const worker = new Worker<IngestJobData>(INGEST_QUEUE, handle, {
    connection,
    prefix: config.REDIS_PREFIX,
    concurrency: config.INGEST_CONCURRENCY,
    lockDuration: config.INGEST_LOCK_MS,
    stalledInterval: config.INGEST_LOCK_MS,
    // One more than the handler allows: the handler fails the file first, with the reason; BullMQ's own
    // verdict ("stalled more than allowable limit") is the backstop, handled below.
    maxStalledCount: config.INGEST_MAX_CRASHES,
  });
  worker.on('error', (error) => log.warn({ reason: error.message }, 'worker error'));
  // A job failed for good without the handler writing the row (BullMQ failed it for stalling): the file
  // must end failed, not stay `processing` forever.
  worker.on('failed', (job) => {
    if (!job?.finishedOn) return;
    markFailedIfUnfinished(deps.db, job.data.fileId, failedJobReason(job)).catch((error: Error) =>
      log.warn({ fileId: job.data.fileId, reason: error.message }, 'could not mark a failed job'),
    );
  });

  const reconcile = () =>
    reconcileJobs(deps.db, queue, log).catch((error: Error) =>
      log.warn({ reason: error.message }, 'reconciliation failed'),
    );
  await reconcile();
  const timer = setInterval(reconcile, config.INGEST_RECONCILE_INTERVAL_MS);
  timer.unref();
  const backfill = embedder
    ? startBackfill(deps.db, embedder, log, config.EMBEDDING_BACKFILL_INTERVAL_MS)
    : undefined;

  return {
    worker,
    queue,
    sandbox,
    /** Runs a background embedding pass now (tests); resolves when it is done. */
    backfillNow: () => backfill?.runNow() ?? Promise.resolve(0),
    async close() {
      clearInterval(timer);
      await backfill?.stop();
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

/**
 * The background embedding pass (backfill.ts), at start and every `intervalMs`, one at a time; stop()
 * ends it between two files and waits.
 */
function startBackfill(db: Db, embedder: Embedder, log: Logger, intervalMs: number) {
  let stopped = false;
  let running: Promise<number> | undefined;
  const runNow = (): Promise<number> => {
    running ??= backfillEmbeddings(db, embedder, log, () => stopped)
      .catch((error: Error) => {
        log.warn({ reason: error.message }, 'background embedding failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  void runNow();
  const timer = setInterval(() => void runNow(), intervalMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
