import { sql } from 'kysely';
import { finishGptDelete, type GptDeletionDeps } from './finish-gpt-delete.js';

/** A delete marked this long ago and not finished was stopped by a crash (a delete takes seconds). */
const STALE_AFTER_MINUTES = 15;
const SWEEP_INTERVAL_MS = 10 * 60_000;
const BATCH = 100;

/**
 * Finishes the deletes a crash left marked: the GPT hidden from its owner (404, in no list) but still
 * holding its rows and objects and counting against their quotas. Each is finished as the route does,
 * so one that fails again is unmarked and shown as before, to be deleted again. Idempotent, so two
 * replicas sweeping at once only repeat each other. Answers how many were finished.
 */
export async function sweepStaleDeletes(deps: GptDeletionDeps): Promise<number> {
  const stale = await deps.db
    .selectFrom('gpt')
    .select(['id', 'user_id'])
    .where('deleting_at', '<', sql<Date>`now() - make_interval(mins => ${STALE_AFTER_MINUTES})`)
    .orderBy('deleting_at')
    .limit(BATCH)
    .execute();
  let finished = 0;
  for (const { id, user_id } of stale) {
    try {
      if (await finishGptDelete(deps, { userId: user_id, gptId: id, requestId: `sweep-${id}` })) finished++;
      deps.log.info({ gptId: id }, 'a delete stopped by a crash was finished');
    } catch (error) {
      deps.log.warn(
        { gptId: id, err: error },
        'a delete stopped by a crash could not be finished; the GPT is shown again',
      );
    }
  }
  return finished;
}

/** Sweeps every ten minutes (and once at start); the timer does not keep the process alive. */
export function scheduleStaleDeleteSweep(deps: GptDeletionDeps): () => void {
  const sweep = () =>
    sweepStaleDeletes(deps).catch((error) =>
      deps.log.warn({ err: error }, 'sweeping unfinished GPT deletes failed; retried later'),
    );
  void sweep();
  const timer = setInterval(sweep, SWEEP_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
