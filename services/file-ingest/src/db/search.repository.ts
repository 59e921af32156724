import { codeLanguageOfMime } from '@chatty/contracts';
import { sql } from 'kysely';
import type { Db } from './schema.js';

export interface ChunkHit {
  /** Internal: how fusion tells chunks apart; not part of the search answer. */
  chunkId: string;
  fileId: string;
  fileName: string;
  page: number | null;
  /** The file's language when it is source code (from its stored type), else null. */
  language: string | null;
  text: string;
  tokens: number;
  score: number;
}

/*
 * Every search here reads the chunks of the GPT's active files only: a file turned off (is_active
 * false) keeps its chunks and vectors, so turning it on again costs no ingestion, but none is found.
 */

/**
 * The GPT's total chunk tokens, counting at most `cap` chunks: enough to tell whether everything fits a
 * budget of `cap - 1` tokens without summing a million rows.
 */
export async function knowledgeTokens(
  db: Db,
  gptId: string,
  cap: number,
): Promise<{ tokens: number; chunks: number }> {
  const { rows } = await sql<{ tokens: number; chunks: number }>`
    select coalesce(sum(tokens), 0)::int as tokens, count(*)::int as chunks
    from (select c.tokens from file_chunk c join gpt_file f on f.id = c.file_id
          where c.gpt_id = ${gptId} and f.is_active limit ${cap}) as capped`.execute(db);
  return rows[0] ?? { tokens: 0, chunks: 0 };
}

/** The GPT's chunks as hits, with their file's name and type, all with the same `score` (unranked). */
const chunksOfGpt = (db: Db, gptId: string, score: number) =>
  db
    .selectFrom('file_chunk as c')
    .innerJoin('gpt_file as f', 'f.id', 'c.file_id')
    .select([
      'c.id as chunkId',
      'c.file_id as fileId',
      'f.original_name as fileName',
      'f.mime_type as mimeType',
      'c.page',
      'c.text',
      'c.tokens',
      sql.lit<number>(score).as('score'),
    ])
    .where('c.gpt_id', '=', gptId)
    .where('f.is_active', '=', true);

/** Every chunk of the GPT, files in upload order, chunks in document order. */
export async function allChunks(db: Db, gptId: string): Promise<ChunkHit[]> {
  const rows = await chunksOfGpt(db, gptId, 1)
    .orderBy('f.uploaded_at')
    .orderBy('c.file_id')
    .orderBy('c.ordinal')
    .execute();
  return rows.map(withLanguage);
}

function withLanguage<T extends { mimeType: string }>({ mimeType, ...hit }: T) {
  return { ...hit, language: codeLanguageOfMime(mimeType) };
}

/**
 * The best `limit` chunks for a query. The full-text index yields at most `candidates` matches before
 * ranking (gin_fuzzy_search_limit), so a query of common words costs the same on a million chunks as
 * a rare one; the ranking is then exact among those candidates.
 */
export async function rankedChunks(
  db: Db,
  gptId: string,
  query: string,
  { limit, candidates }: { limit: number; candidates: number },
): Promise<ChunkHit[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('gin_fuzzy_search_limit', ${String(candidates)}, true)`.execute(trx);
    // On a large table the planner's estimate passes jit_above_cost, and compiling the query would
    // cost more than running it.
    await sql`select set_config('jit', 'off', true)`.execute(trx);
    const { rows } = await sql<Omit<ChunkHit, 'language'> & { mimeType: string }>`
      select c.id as "chunkId", c.file_id as "fileId", f.original_name as "fileName",
             f.mime_type as "mimeType", c.page, c.text, c.tokens,
             ts_rank_cd(c.tsv, q) as score
      from file_chunk c
      join gpt_file f on f.id = c.file_id,
           websearch_to_tsquery('english', ${query}) q
      where c.gpt_id = ${gptId} and c.tsv @@ q and f.is_active
      order by score desc, c.id
      limit ${limit}`.execute(trx);
    return rows.map(withLanguage);
  });
}

/** The chunks with these ids (of this GPT's active files only), in no particular order. */
export async function chunksById(db: Db, gptId: string, ids: string[]): Promise<ChunkHit[]> {
  if (ids.length === 0) return [];
  const rows = await chunksOfGpt(db, gptId, 0).where('c.id', 'in', ids).execute();
  return rows.map(withLanguage);
}

/**
 * The embedding model whose vectors answer for the GPT: the configured one once it covers as many of
 * the GPT's files as any other, else (while a change of model is re-embedded) the one covering most.
 * Undefined when no file of the GPT has vectors.
 */
export async function answeringModel(db: Db, gptId: string, configured: string): Promise<string | undefined> {
  const rows = await db
    .selectFrom('file_embedding as fe')
    .innerJoin('gpt_file as f', 'f.id', 'fe.file_id')
    .select(['fe.model', sql<number>`count(*)::int`.as('files')])
    .where('f.gpt_id', '=', gptId)
    .where('f.status', '=', 'ready')
    .where('f.is_active', '=', true)
    .groupBy('fe.model')
    .execute();
  if (rows.length === 0) return undefined;
  const most = Math.max(...rows.map((row) => row.files));
  const current = rows.find((row) => row.model === configured);
  if (current && current.files >= most) return configured;
  return rows.sort((a, b) => b.files - a.files || a.model.localeCompare(b.model))[0]!.model;
}
