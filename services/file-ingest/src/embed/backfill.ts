import type { Logger } from '@chatty/shared';
import { sql } from 'kysely';
import type { Db } from '../db/schema.js';
import { type Embedder, embedFileChunks } from './embed-file.js';
import { EmbeddingUnavailable } from './embedding-client.js';

const FILES_PER_QUERY = 20;
/** One pass at a time across every file-ingest replica (a session-level advisory lock). */
const BACKFILL_LOCK = 'chatty:embedding-backfill';

/**
 * Gives vectors of the configured model to every ready file that lacks them: after the model changed,
 * for files made ready while no worker could embed, or made before embeddings were configured. A GPT
 * whose files all have the new model's vectors drops the old ones; until then the old ones answer.
 * Stops at `shouldStop()`, or when the workers cannot embed (the next pass tries again).
 */
export async function backfillEmbeddings(
  db: Db,
  embedder: Embedder,
  log: Logger,
  shouldStop: () => boolean = () => false,
): Promise<number> {
  return db.connection().execute(async (session) => {
    const { rows } = await sql<{ locked: boolean }>`
      select pg_try_advisory_lock(hashtext(${BACKFILL_LOCK})) as locked`.execute(session);
    if (!rows[0]?.locked) return 0;
    try {
      return await backfillUnlocked(db, embedder, log, shouldStop);
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${BACKFILL_LOCK}))`.execute(session);
    }
  });
}

async function backfillUnlocked(db: Db, embedder: Embedder, log: Logger, shouldStop: () => boolean) {
  const model = embedder.client.model;
  const skipped = new Set<string>();
  let files = 0;
  while (!shouldStop()) {
    const batch = await db
      .selectFrom('gpt_file as f')
      .select(['f.id', 'f.gpt_id as gptId'])
      .where('f.status', '=', 'ready')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('file_embedding as fe')
              .select('fe.file_id')
              .whereRef('fe.file_id', '=', 'f.id')
              .where('fe.model', '=', model),
          ),
        ),
      )
      .$if(skipped.size > 0, (query) => query.where('f.id', 'not in', [...skipped]))
      .orderBy('f.uploaded_at')
      .limit(FILES_PER_QUERY)
      .execute();
    if (batch.length === 0) break;
    for (const file of batch) {
      if (shouldStop()) break;
      try {
        const chunks = await embedFileChunks(db, embedder, file);
        files++;
        log.info({ fileId: file.id, model, chunks }, 'file embedded in the background');
        await retireOldVectors(db, file.gptId, model);
      } catch (error) {
        if (error instanceof EmbeddingUnavailable) {
          log.warn({ model, reason: error.message }, 'background embedding paused: no worker can embed');
          return files;
        }
        // Most likely the file was deleted meanwhile; either way, not again in this pass.
        skipped.add(file.id);
        log.warn({ fileId: file.id, reason: (error as Error).message }, 'could not embed a file');
      }
    }
  }
  return files;
}

/** Once every ready file of the GPT has vectors of `model`, the vectors of other models go. */
async function retireOldVectors(db: Db, gptId: string, model: string): Promise<void> {
  const { rows } = await sql<{ complete: boolean }>`
    select not exists (
      select 1 from gpt_file f
      where f.gpt_id = ${gptId} and f.status = 'ready'
        and not exists (select 1 from file_embedding fe where fe.file_id = f.id and fe.model = ${model})
    ) as complete`.execute(db);
  if (!rows[0]?.complete) return;
  await db.deleteFrom('chunk_embedding').where('gpt_id', '=', gptId).where('model', '<>', model).execute();
  await sql`
    delete from file_embedding fe using gpt_file f
    where f.id = fe.file_id and f.gpt_id = ${gptId} and fe.model <> ${model}`.execute(db);
}
