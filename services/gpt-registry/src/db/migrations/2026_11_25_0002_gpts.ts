import { type Kysely, sql } from 'kysely';

// The seed's gpts, gpt_files and gpt_actions, carried over with singular names, uuids, jsonb for its
// JSON-in-text columns, and file contents moved out of the database into object storage.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('gpt')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('instructions', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('conversation_starters', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('avatar', 'text')
    .addColumn('capabilities', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('model_id', 'text', (col) => col.notNull())
    .addColumn('is_active', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // The list route pages through a user's GPTs newest first.
  await db.schema
    .createIndex('gpt_user_created_idx')
    .on('gpt')
    .columns(['user_id', 'created_at desc', 'id desc'])
    .execute();

  await db.schema
    .createTable('gpt_version')
    .addColumn('gpt_id', 'uuid', (col) => col.notNull().references('gpt.id').onDelete('cascade'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('snapshot', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('gpt_version_pkey', ['gpt_id', 'version'])
    .execute();

  await db.schema
    .createTable('gpt_file')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('gpt_id', 'uuid', (col) => col.notNull().references('gpt.id').onDelete('cascade'))
    .addColumn('filename', 'text', (col) => col.notNull())
    .addColumn('original_name', 'text', (col) => col.notNull())
    .addColumn('mime_type', 'text', (col) => col.notNull())
    .addColumn('size', 'bigint', (col) => col.notNull())
    .addColumn('storage_key', 'text', (col) => col.notNull())
    .addColumn('sha256', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().defaultTo('queued').check(sql`status in ('queued', 'processing', 'ready', 'failed')`),
    )
    .addColumn('progress', 'real', (col) => col.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('page_count', 'integer')
    .addColumn('char_count', 'integer')
    .addColumn('chunk_count', 'integer')
    .addColumn('is_active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('uploaded_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('gpt_file_gpt_idx').on('gpt_file').column('gpt_id').execute();

  await db.schema
    .createTable('gpt_action')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('gpt_id', 'uuid', (col) => col.notNull().references('gpt.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('method', 'text', (col) =>
      col.notNull().defaultTo('GET').check(sql`method in ('GET', 'POST', 'PUT', 'DELETE')`),
    )
    .addColumn('headers', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('parameters', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('is_active', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('gpt_action_gpt_idx').on('gpt_action').column('gpt_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['gpt_action', 'gpt_file', 'gpt_version', 'gpt']) {
    await db.schema.dropTable(table).execute();
  }
}
