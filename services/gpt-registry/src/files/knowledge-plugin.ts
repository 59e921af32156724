import {
  INGEST_JOB_OPTIONS,
  INGEST_QUEUE,
  type IngestJob,
  type ObjectStore,
  settleConnection,
} from '@chatty/shared';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { RegistryConfig } from '../config.js';
import { sweepBlobDeletions } from './blob-deletion.js';

declare module 'fastify' {
  interface FastifyInstance {
    storage: ObjectStore;
    /** Enqueues a file for ingestion; a failure is logged, and file-ingest's reconciliation catches up. */
    enqueueIngest(fileId: string): Promise<boolean>;
  }
}

const ENQUEUE_TIMEOUT_MS = 3000;
const SWEEP_INTERVAL_MS = 60_000;

/** Object storage, the `ingest` queue, and the sweeper that finishes interrupted blob deletions. */
export const knowledgePlugin = fp(
  async (app: FastifyInstance, { store, config }: { store: ObjectStore; config: RegistryConfig }) => {
    // Fails fast while Redis is away instead of queueing commands: the upload answers regardless.
    const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    connection.on('error', () => {});
    const queue = new Queue<IngestJob>(INGEST_QUEUE, { connection, prefix: config.REDIS_PREFIX });
    queue.on('error', () => {});
    app.decorate('storage', store);
    app.decorate('enqueueIngest', async (fileId: string) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          queue.add(INGEST_QUEUE, { fileId }, { ...INGEST_JOB_OPTIONS, jobId: fileId }),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timed out')), ENQUEUE_TIMEOUT_MS);
          }),
        ]);
        return true;
      } catch (error) {
        app.log.warn(
          { fileId, reason: (error as Error).message },
          'ingest job not enqueued; reconciliation will',
        );
        return false;
      } finally {
        clearTimeout(timer);
      }
    });
    const sweep = () => sweepBlobDeletions(app.db, store, app.log).catch(() => {});
    const timer = setInterval(sweep, SWEEP_INTERVAL_MS);
    timer.unref();
    app.addHook('onReady', async () => void sweep());
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await settleConnection(queue);
      await queue.close().catch(() => {});
      connection.disconnect();
    });
  },
  { name: 'chatty-knowledge' },
);
