import type { Db } from './index.js';

/**
 * Runs `work` in the caller's transaction when `db` is one, else in a new one: a repository write that
 * must be atomic stays atomic on its own, and still composes with a caller's lock (quotas).
 */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute((trx) => work(trx));
}
