import { INGEST_JOB_OPTIONS, INGEST_QUEUE, type IngestJob, type Logger } from '@chatty/shared';
import type { Queue } from 'bullmq';
import { listUnfinishedFiles } from '../db/file.repository.js';
import type { Db } from '../db/schema.js';

const BATCH = 1000;

/**
 * Files waiting or in progress whose job is gone (Redis lost its data, or an enqueue failed after the
 * upload) get their job again. Jobs have the file id as id, so replicas doing this at once, or a job
 * that does exist, never make a second one.
 */
export async function reconcileJobs(db: Db, queue: Queue<IngestJob>, log: Logger): Promise<number> {
  let requeued = 0;
  for (const fileId of await listUnfinishedFiles(db, BATCH)) {
    const job = await queue.getJob(fileId);
    if (job) {
      const state = await job.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
      // Finished while the row says otherwise: the job ran for an earlier row state. Run it again.
      await job.remove().catch(() => {});
    }
    await queue.add(INGEST_QUEUE, { fileId }, { ...INGEST_JOB_OPTIONS, jobId: fileId });
    requeued++;
  }
  if (requeued > 0) log.warn({ requeued }, 'files without a job were enqueued again');
  return requeued;
}
