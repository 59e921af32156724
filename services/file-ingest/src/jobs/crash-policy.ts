import type { IngestJob } from '@chatty/shared';
import type { Job } from 'bullmq';
import type { CrashCause } from '../extract/types.js';

/**
 * What an ingest job remembers of its file's extraction runs that died. It lives in the job's data in
 * Redis, so it survives the worker that saw the crash; the runs during which the whole worker died are
 * counted by BullMQ as stalls.
 */
export interface CrashRecord {
  crashes?: number;
  lastCrash?: { message: string; kind: CrashCause };
}

export type IngestJobData = IngestJob & CrashRecord;

/** Extraction runs of this file that died so far: reported crashes, and runs the worker died in. */
export function crashesSoFar(job: Job<IngestJobData>): number {
  return (job.data.crashes ?? 0) + job.stalledCounter;
}

const ADVICE: Record<CrashCause | 'stopped', string> = {
  memory: 'split the file, or make its images smaller',
  time: 'the file may be damaged, or too large to read in time; split it',
  crash: 'the file may be damaged; save it again (or as PDF) and upload it again',
  stopped: 'the file may be damaged or too large; split it, or upload it again later',
};

/** The reason a person reads once the file has failed for good after `count` runs died. */
export function crashFailureReason(count: number, last?: CrashRecord['lastCrash']): string {
  const what = last?.message ?? 'the worker stopped while processing it';
  const times = count === 1 ? 'once' : `${count} times`;
  return `the file could not be processed: ${what} (${times}); ${ADVICE[last?.kind ?? 'stopped']}`;
}

/** The reason for a file whose job failed without its own run saying why (BullMQ's stall verdict). */
export function failedJobReason(job: Job<IngestJobData>): string {
  const crashes = crashesSoFar(job);
  if (crashes > 0 || /stalled/.test(job.failedReason ?? '')) {
    return crashFailureReason(Math.max(crashes, 1), job.data.lastCrash);
  }
  return 'the file could not be processed; upload it again';
}
