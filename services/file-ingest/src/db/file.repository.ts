import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Chunk } from '../chunk/chunker.js';
import type { Db } from './schema.js';

export interface FileToIngest {
  id: string;
  gptId: string;
  mimeType: string;
  size: number;
  storageKey: string;
  status: string;
}

export async function findFileToIngest(db: Db, fileId: string): Promise<FileToIngest | undefined> {
  const row = await db
    .selectFrom('gpt_file')
    .select(['id', 'gpt_id', 'mime_type', 'size', 'storage_key', 'status'])
    .where('id', '=', fileId)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      gptId: row.gpt_id,
      mimeType: row.mime_type,
      size: row.size,
      storageKey: row.storage_key,
      status: row.status,
    }
  );
}

/** Processing columns only; a deleted row stays deleted (the update simply matches nothing). */
export async function setProgress(db: Db, fileId: string, progress: number, status?: 'processing') {
  await db
    .updateTable('gpt_file')
    .set({ progress, ...(status && { status, error: null }) })
    .where('id', '=', fileId)
    .where('status', 'in', ['queued', 'processing'])
    .execute();
}

export async function markFailed(db: Db, fileId: string, reason: string) {
  await db
    .updateTable('gpt_file')
    .set({ status: 'failed', error: reason, progress: 1 })
    .where('id', '=', fileId)
    .where('status', '<>', 'ready')
    .execute();
}

/**
 * Marks a file failed only while it still waits or runs: a verdict reached outside the job's own run (a
 * job BullMQ failed for stalling, found by the failed event or the reconciliation) never overwrites the
 * reason that run wrote, nor a file that became ready.
 */
export async function markFailedIfUnfinished(db: Db, fileId: string, reason: string): Promise<boolean> {
  const updated = await db
    .updateTable('gpt_file')
    .set({ status: 'failed', error: reason, progress: 1 })
    .where('id', '=', fileId)
    .where('status', 'in', ['queued', 'processing'])
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

const INSERT_BATCH = 500;

interface FileCounts {
  pageCount: number | null;
  charCount: number;
}

/**
 * Locks the file's GPT row FOR KEY SHARE (what the chunks' reference to it takes anyway, taken first)
 * and answers whether it is still there. A transaction that writes the file's row and then its chunks
 * takes this before anything else: deleting a GPT locks its row and then the rows under it (the
 * file's), so taking them in the same order never deadlocks with it. A delete under way is waited for.
 */
async function lockGptOf(trx: Db, file: FileToIngest): Promise<boolean> {
  const row = await trx
    .selectFrom('gpt')
    .select('id')
    .where('id', '=', file.gptId)
    .forKeyShare()
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Replaces the file's chunks and marks it ready, in one transaction. The row is updated first (after
 * its GPT's is locked, see lockGptOf), which locks it: a concurrent delete waits and then removes the
 * new chunks with it. Returns false when the file no longer exists. A job run again (after a crash)
 * leaves exactly one set of chunks.
 */
export async function saveChunksAndMarkReady(
  db: Db,
  file: FileToIngest,
  chunks: Chunk[],
  counts: FileCounts,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockGptOf(trx, file))) return false;
    if (!(await markReady(trx, file.id, chunks.length, counts))) return false;
    await replaceChunks(trx, file, chunks);
    return true;
  });
}

/**
 * Saves the file's chunks while it stays `processing` (its vectors come next). Chunks identical to
 * those an earlier run saved are kept, with the vectors that run made: a job run again after a crash
 * embeds only what is missing. Returns false when the file no longer exists.
 */
export async function saveChunksKeepingIdentical(
  db: Db,
  file: FileToIngest,
  chunks: Chunk[],
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockGptOf(trx, file))) return false;
    const locked = await trx
      .updateTable('gpt_file')
      .set({ status: 'processing' })
      .where('id', '=', file.id)
      .returning('id')
      .executeTakeFirst();
    if (!locked) return false;
    const saved = await sql<{ ordinal: number; digest: string }>`
      select ordinal, md5(text) as digest from file_chunk where file_id = ${file.id} order by ordinal`.execute(
      trx,
    );
    const same =
      saved.rows.length === chunks.length &&
      saved.rows.every(
        (row, i) =>
          row.ordinal === chunks[i]!.ordinal &&
          row.digest === createHash('md5').update(chunks[i]!.text).digest('hex'),
      );
    if (!same) await replaceChunks(trx, file, chunks);
    return true;
  });
}

/** The file done: status, counts. False when the row is gone (deleted meanwhile). */
export async function markReady(
  db: Db,
  fileId: string,
  chunkCount: number,
  counts: FileCounts,
): Promise<boolean> {
  const updated = await db
    .updateTable('gpt_file')
    .set({
      status: 'ready',
      progress: 1,
      error: null,
      page_count: counts.pageCount,
      char_count: counts.charCount,
      chunk_count: chunkCount,
    })
    .where('id', '=', fileId)
    .returning('id')
    .executeTakeFirst();
  return updated !== undefined;
}

async function replaceChunks(trx: Db, file: FileToIngest, chunks: Chunk[]) {
  await trx.deleteFrom('file_chunk').where('file_id', '=', file.id).execute();
  for (let i = 0; i < chunks.length; i += INSERT_BATCH) {
    await trx
      .insertInto('file_chunk')
      .values(
        chunks.slice(i, i + INSERT_BATCH).map((chunk) => ({
          file_id: file.id,
          gpt_id: file.gptId,
          ordinal: chunk.ordinal,
          page: chunk.page,
          char_start: chunk.charStart,
          char_end: chunk.charEnd,
          tokens: chunk.tokens,
          text: chunk.text,
        })),
      )
      .execute();
  }
}

/** Files that should have a job: waiting or started, oldest first. */
export async function listUnfinishedFiles(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('gpt_file')
    .select('id')
    .where('status', 'in', ['queued', 'processing'])
    .orderBy('uploaded_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}
