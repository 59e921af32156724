import { pruneActionRuns } from '../db/action-run.repository.js';
import type { Db } from '../db/index.js';

const HOUR_MS = 3_600_000;

/** Prunes once an hour (and once at start); the timer does not keep the process alive. */
export function scheduleRunRetention(db: Db, days: number, onError: (error: unknown) => void) {
  const prune = () => pruneActionRuns(db, days).catch(onError);
  void prune();
  const timer = setInterval(prune, HOUR_MS);
  timer.unref();
  return () => clearInterval(timer);
}
