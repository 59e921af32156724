import type { ObjectStore } from '@chatty/shared';
import type { FastifyBaseLogger } from 'fastify';
import {
  countBlobDeletionAttempt,
  forgetBlobDeletion,
  pendingBlobDeletions,
  recordBlobDeletion,
} from '../db/blob-deletion.repository.js';
import type { Db } from '../db/index.js';

type Log = Pick<FastifyBaseLogger, 'warn'>;

/**
 * Deletes rows and records the object prefix they owned in one transaction, then removes the objects.
 * If storage is down at that moment the prefix stays recorded and the sweeper retries it, so a failure
 * leaves neither a row pointing at missing objects nor objects that nothing will ever remove.
 */
export async function deleteWithBlobs(
  db: Db,
  store: ObjectStore,
  log: Log,
  prefix: string,
  deleteRows: (trx: Db) => Promise<boolean>,
): Promise<boolean> {
  const deleted = await db.transaction().execute(async (trx) => {
    if (!(await deleteRows(trx))) return false;
    await recordBlobDeletion(trx, prefix);
    return true;
  });
  if (deleted) await removeRecordedPrefix(db, store, log, prefix);
  return deleted;
}

/**
 * Removes objects no row points at (an upload refused after its blob was written). If storage refuses
 * now, the prefix is recorded for the sweeper, so the refusal still leaves nothing behind for good.
 */
export async function removeOrphanedBlobs(
  db: Db,
  store: ObjectStore,
  log: Log,
  prefix: string,
): Promise<void> {
  try {
    await store.removePrefix(prefix);
  } catch (error) {
    log.warn({ prefix, reason: (error as Error).message }, 'objects not removed yet; will retry');
    await recordBlobDeletion(db, prefix);
  }
}

async function removeRecordedPrefix(db: Db, store: ObjectStore, log: Log, prefix: string): Promise<boolean> {
  try {
    await store.removePrefix(prefix);
    await forgetBlobDeletion(db, prefix);
    return true;
  } catch (error) {
    log.warn({ prefix, reason: (error as Error).message }, 'objects not removed yet; will retry');
    await countBlobDeletionAttempt(db, prefix).catch(() => {});
    return false;
  }
}

/** Retries every recorded prefix; returns how many are done. */
export async function sweepBlobDeletions(db: Db, store: ObjectStore, log: Log): Promise<number> {
  let done = 0;
  for (const prefix of await pendingBlobDeletions(db, 500))
    if (await removeRecordedPrefix(db, store, log, prefix)) done++;
  return done;
}
