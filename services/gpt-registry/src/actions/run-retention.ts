import { sql } from 'kysely';
import type { Db } from '../db/index.js';

const HOUR_MS = 3_600_000;

/** Removes the runs of GPTs deleted more than `days` ago; the audit of live GPTs is never pruned here. */
export async function pruneActionRuns(db: Db, days: number): Promise<number> {
  const result = await db
    .deleteFrom('action_run')
    .where('gpt_deleted_at', '<', sql<Date>`now() - make_interval(days => ${days})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Prunes once an hour (and once at start); the timer does not keep the process alive. */
export function scheduleRunRetention(db: Db, days: number, onError: (error: unknown) => void) {
  const prune = () => pruneActionRuns(db, days).catch(onError);
  void prune();
  const timer = setInterval(prune, HOUR_MS);
  timer.unref();
  return () => clearInterval(timer);
}
