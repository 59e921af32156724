import { type Kysely, sql } from 'kysely';

// Frozen. Search filters by GPT and matches words in one GIN scan (btree_gin), so the cap on index
// matches (gin_fuzzy_search_limit) counts only this GPT's chunks: with separate indexes the cap was
// applied to every GPT's matches before the GPT filter, and a bitmap of all of a GPT's chunks had to
// be built for each query.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists btree_gin`.execute(db);
  await sql`create index file_chunk_gpt_tsv_idx on file_chunk using gin (gpt_id, tsv)`.execute(db);
  await db.schema.dropIndex('file_chunk_tsv_idx').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('file_chunk_tsv_idx').on('file_chunk').using('gin').column('tsv').execute();
  await db.schema.dropIndex('file_chunk_gpt_tsv_idx').execute();
}
