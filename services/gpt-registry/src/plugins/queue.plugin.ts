import {
  INGEST_JOB_OPTIONS,
  INGEST_QUEUE,
  type IngestJob,
  logRedisOutages,
  settleConnection,
} from '@chatty/shared';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    /** Enqueues a file for ingestion; a failure is logged, and file-ingest's reconciliation catches up. */
    enqueueIngest(fileId: string): Promise<boolean>;
  }
}

const ENQUEUE_TIMEOUT_MS = 3000;

/** The `ingest` queue that file-ingest consumes. */
export const queuePlugin = fp(
  async (app: FastifyInstance) => {
    // Fails fast while Redis is away instead of queueing commands: the upload answers regardless.
    const connection = new Redis(app.registryConfig.REDIS_URL, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    logRedisOutages(connection, app.log, 'ingest-queue');
    const queue = new Queue<IngestJob>(INGEST_QUEUE, { connection, prefix: app.registryConfig.REDIS_PREFIX });
    queue.on('error', () => {});
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
    app.addHook('onClose', async () => {
      await settleConnection(queue);
      await queue.close().catch(() => {});
      connection.disconnect();
    });
  },
  { name: 'registry-queue', dependencies: ['registry-config'] },
);
