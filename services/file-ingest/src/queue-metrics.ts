import type { Queue } from 'bullmq';
import { Gauge } from 'prom-client';

/** The states chatty_ingest_jobs reports; `waiting` is what an autoscaler scales workers on. */
const INGEST_JOB_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'failed'] as const;

/**
 * `chatty_ingest_jobs{state}`: the jobs of the shared `ingest` queue, counted in Redis at each scrape.
 * Every replica reports the same queue, so a query takes the max over replicas, not the sum
 * (docs/operations.md). While Redis does not answer within `timeoutMs` the scrape still succeeds,
 * without this metric: no number beats a stale one for an autoscaler.
 */
export function ingestJobsMetric(queue: Pick<Queue, 'getJobCounts'>, timeoutMs = 2000): Gauge {
  return new Gauge({
    name: 'chatty_ingest_jobs',
    help: 'Jobs of the ingest queue (shared by every file-ingest replica) by state',
    labelNames: ['state'],
    registers: [],
    async collect() {
      this.reset();
      let timer: NodeJS.Timeout | undefined;
      const counts = await Promise.race([
        queue.getJobCounts(...INGEST_JOB_STATES),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), timeoutMs);
        }),
      ])
        .catch(() => undefined)
        .finally(() => clearTimeout(timer));
      if (!counts) return;
      for (const state of INGEST_JOB_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
}
