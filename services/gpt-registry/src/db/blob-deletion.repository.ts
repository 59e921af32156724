import type { Db } from './index.js';

/**
 * Object prefixes whose blobs are still to be removed: recorded in the transaction that deletes the
 * rows owning them, forgotten once storage has removed them (files/blob-deletion.ts does both).
 */
export async function recordBlobDeletion(db: Db, prefix: string): Promise<void> {
  await db
    .insertInto('blob_deletion')
    .values({ prefix })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function forgetBlobDeletion(db: Db, prefix: string): Promise<void> {
  await db.deleteFrom('blob_deletion').where('prefix', '=', prefix).execute();
}

export async function countBlobDeletionAttempt(db: Db, prefix: string): Promise<void> {
  await db
    .updateTable('blob_deletion')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('prefix', '=', prefix)
    .execute();
}

/** The oldest recorded prefixes first. */
export async function pendingBlobDeletions(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('blob_deletion')
    .select('prefix')
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.prefix);
}
