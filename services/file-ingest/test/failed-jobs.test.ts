import { buildIngest, loadIngestConfig, reconcileJobs, startWorker } from '@chatty/file-ingest';
import { INGEST_QUEUE, type IngestJob } from '@chatty/shared';
import { UnrecoverableError, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { getFile, upload, waitUntilDone } from './harness.js';
import { idleQueueStack } from './idle-queue.js';

/**
 * Jobs that BullMQ fails without the ingest handler writing the row: the file must still end failed,
 * never `processing` for ever, nor be enqueued again and again.
 */
describe('files whose job failed outside their run', () => {
  const idle = idleQueueStack();

  it("BullMQ's own verdict on a job that stalled too often (its worker died each time) fails the file", async () => {
    const file = (
      await upload(idle.stack, idle.owner.auth, idle.gptId, 'cursed.txt', Buffer.from('Cursed.'))
    ).json();
    // What BullMQ writes when a job's worker died more often than maxStalledCount allows: the job is
    // failed by the next worker that takes it, before any handler runs.
    await idle.connection.hset(
      idle.queue.toKey(file.id),
      'stc',
      '3',
      'defa',
      'job stalled more than allowable limit',
    );
    // Allowing more deaths than 3: the verdict is BullMQ's, not the handler's.
    const config = loadIngestConfig({
      ...idle.stack.ingestEnv,
      INGEST_WORKER: 'true',
      INGEST_MAX_CRASHES: '5',
    });
    const worker = await buildIngest(config);
    await startWorker(worker, config);
    try {
      const done = await waitUntilDone(idle.stack, idle.owner.auth, file.id, 30_000);
      expect(done.status).toBe('failed');
      expect(done.error).toBe(
        'the file could not be processed: the worker stopped while processing it (3 times); the file may be damaged or too large; split it, or upload it again later',
      );
    } finally {
      await worker.close();
    }
  }, 60_000);

  it('reconciliation ends a file whose job failed for good instead of enqueuing it again', async () => {
    const file = (
      await upload(idle.stack, idle.owner.auth, idle.gptId, 'lost.txt', Buffer.from('Lost.'))
    ).json();
    // A job failed while nobody wrote the row (the process that would have died first).
    const bare = new Worker<IngestJob>(
      INGEST_QUEUE,
      async () => {
        await idle.stack.registry.app.db
          .updateTable('gpt_file')
          .set({ status: 'processing' })
          .where('id', '=', file.id)
          .execute();
        throw new UnrecoverableError('job stalled more than allowable limit');
      },
      { connection: idle.connection.duplicate(), prefix: idle.stack.ingestEnv.REDIS_PREFIX },
    );
    try {
      const until = Date.now() + 20_000;
      while ((await (await idle.queue.getJob(file.id))?.getState()) !== 'failed') {
        if (Date.now() > until) throw new Error('the job did not fail');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await bare.close();
    }
    expect((await getFile(idle.stack, idle.owner.auth, file.id)).status).toBe('processing');

    expect(
      await reconcileJobs(
        idle.stack.registry.app.db as never,
        idle.queue,
        idle.stack.registry.app.log as never,
      ),
    ).toBe(0);
    const after = await getFile(idle.stack, idle.owner.auth, file.id);
    expect(after.status).toBe('failed');
    expect(after.error).toMatch(/^the file could not be processed: the worker stopped while processing it/);
    expect(await (await idle.queue.getJob(file.id))?.getState()).toBe('failed');
  }, 60_000);
});
