import type { Selectable } from 'kysely';
import type { Db } from './index.js';
import type { GptFileTable } from './schema.js';

export type FileRow = Selectable<GptFileTable>;

export interface NewFile {
  id: string;
  gptId: string;
  filename: string;
  originalName: string;
  mimeType: string;
  size: number;
  storageKey: string;
  sha256: string;
}

export async function insertFile(db: Db, file: NewFile): Promise<FileRow> {
  return db
    .insertInto('gpt_file')
    .values({
      id: file.id,
      gpt_id: file.gptId,
      filename: file.filename,
      original_name: file.originalName,
      mime_type: file.mimeType,
      size: file.size,
      storage_key: file.storageKey,
      sha256: file.sha256,
      status: 'queued',
      progress: 0,
      is_active: true,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The file when its GPT belongs to `userId`; another user's file is as absent as a missing one. */
export async function findOwnedFile(db: Db, userId: string, fileId: string) {
  return db
    .selectFrom('gpt_file as f')
    .innerJoin('gpt as g', 'g.id', 'f.gpt_id')
    .selectAll('f')
    .select('g.user_id')
    .where('f.id', '=', fileId)
    .where('g.user_id', '=', userId)
    .executeTakeFirst();
}

export async function listFiles(db: Db, gptId: string): Promise<FileRow[]> {
  return db
    .selectFrom('gpt_file')
    .selectAll()
    .where('gpt_id', '=', gptId)
    .orderBy('uploaded_at')
    .orderBy('id')
    .execute();
}

/** Turns a file's use in answers on or off; undefined when the row is gone. */
export async function setFileActive(db: Db, fileId: string, isActive: boolean): Promise<FileRow | undefined> {
  return db
    .updateTable('gpt_file')
    .set({ is_active: isActive })
    .where('id', '=', fileId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteFileRow(db: Db, fileId: string): Promise<boolean> {
  const result = await db.deleteFrom('gpt_file').where('id', '=', fileId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
