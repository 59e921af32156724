import { type Kysely, sql } from 'kysely';

// Frozen. Vectors of chunks, one row per chunk and embedding model, so that a change of model is
// re-embedded beside the old vectors, which keep answering until the new ones are complete. The
// vector is `embedding` (float32, little-endian, unit length) where Postgres has no pgvector; where it
// has, the service adds a `vec vector` column at start-up and uses it instead (see vector-store.ts).
// Rows go with their chunk (ON DELETE CASCADE), so a deleted file or GPT takes its vectors along.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('chunk_embedding')
    .addColumn('chunk_id', 'bigint', (col) => col.notNull().references('file_chunk.id').onDelete('cascade'))
    .addColumn('model', 'text', (col) => col.notNull())
    // Denormalised from file_chunk so a GPT's vectors are read from one index.
    .addColumn('gpt_id', 'uuid', (col) => col.notNull())
    .addColumn('dimensions', 'integer', (col) => col.notNull())
    .addColumn('embedding', 'bytea')
    .addPrimaryKeyConstraint('chunk_embedding_pkey', ['chunk_id', 'model'])
    .execute();
  // A 768-dimension vector is 3 KB: kept in the row (not TOASTed) so a scan reads it with the row.
  await sql`alter table chunk_embedding alter column embedding set storage main`.execute(db);
  await db.schema
    .createIndex('chunk_embedding_gpt_model_idx')
    .on('chunk_embedding')
    .columns(['gpt_id', 'model', 'chunk_id'])
    .execute();
  // A file whose every chunk has a vector of `model`: which model answers for a GPT is read from here.
  await db.schema
    .createTable('file_embedding')
    .addColumn('file_id', 'uuid', (col) => col.notNull().references('gpt_file.id').onDelete('cascade'))
    .addColumn('model', 'text', (col) => col.notNull())
    .addColumn('embedded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('file_embedding_pkey', ['file_id', 'model'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('file_embedding').execute();
  await db.schema.dropTable('chunk_embedding').execute();
}
