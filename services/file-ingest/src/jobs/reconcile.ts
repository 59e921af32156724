import { INGEST_JOB_OPTIONS, INGEST_QUEUE, type IngestJob, type Logger } from '@chatty/shared';
import type { Job, Queue } from 'bullmq';
import { listUnfinishedFiles, markFailedIfUnfinished } from '../db/file.repository.js';
import type { Db } from '../db/schema.js';
import { failedJobReason, type IngestJobData } from './crash-policy.js';

const BATCH = 1000;

/**
 * Files waiting or in progress whose job is gone (Redis lost its data, or an enqueue failed after the
 * upload) get their job again. Jobs have the file id as id, so replicas doing this at once, or a job
 * that does exist, never make a second one. A file whose job failed for good ends failed: running it
 * again would loop forever on a file that kills its worker.
 */
export async function reconcileJobs(db: Db, queue: Queue<IngestJob>, log: Logger): Promise<number> {
  let requeued = 0;
  for (const fileId of await listUnfinishedFiles(db, BATCH)) {
    const job = await queue.getJob(fileId);
    if (job) {
      const state = await job.getState();
      if (state === 'failed') {
        const reason = failedJobReason(job as Job<IngestJobData>);
        if (await markFailedIfUnfinished(db, fileId, reason)) log.warn({ fileId, reason }, 'failed job');
        continue;
      }
      if (state !== 'completed' && state !== 'unknown') continue;
      // Completed while the row says otherwise: the job ran for an earlier row state. Run it again.
      await job.remove().catch(() => {});
    }
    await queue.add(INGEST_QUEUE, { fileId }, { ...INGEST_JOB_OPTIONS, jobId: fileId });
    requeued++;
  }
  if (requeued > 0) log.warn({ requeued }, 'files without a job were enqueued again');
  return requeued;
}
