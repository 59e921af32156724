import { type Kysely, sql } from 'kysely';

// Frozen. Chunks belong to a registry-owned gpt_file row and go with it (ON DELETE CASCADE), so a
// deleted file or GPT takes its chunks along in the same statement.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('file_chunk')
    .addColumn('id', 'bigserial', (col) => col.primaryKey())
    .addColumn('file_id', 'uuid', (col) => col.notNull().references('gpt_file.id').onDelete('cascade'))
    // Denormalised from gpt_file so search filters one table.
    .addColumn('gpt_id', 'uuid', (col) => col.notNull().references('gpt.id').onDelete('cascade'))
    .addColumn('ordinal', 'integer', (col) => col.notNull())
    .addColumn('page', 'integer')
    .addColumn('char_start', 'integer', (col) => col.notNull())
    .addColumn('char_end', 'integer', (col) => col.notNull())
    .addColumn('tokens', 'integer', (col) => col.notNull())
    .addColumn('text', 'text', (col) => col.notNull())
    .addColumn('tsv', sql`tsvector`, (col) =>
      col.generatedAlwaysAs(sql`to_tsvector('english', text)`).stored().notNull(),
    )
    .execute();
  await db.schema.createIndex('file_chunk_tsv_idx').on('file_chunk').using('gin').column('tsv').execute();
  await db.schema
    .createIndex('file_chunk_file_ordinal_key')
    .on('file_chunk')
    .columns(['file_id', 'ordinal'])
    .unique()
    .execute();
  // Whole-knowledge reads in document order, and the budget check.
  await db.schema
    .createIndex('file_chunk_gpt_idx')
    .on('file_chunk')
    .columns(['gpt_id', 'file_id', 'ordinal'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('file_chunk').execute();
}
