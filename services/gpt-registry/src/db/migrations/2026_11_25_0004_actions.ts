import { type Kysely, sql } from 'kysely';

// Actions get their declared arguments, their secret headers (AES-256-GCM ciphertext, never clear
// text) and an audit table of every execution. Frozen: a later change is a new file.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('gpt_action')
    .addColumn('arguments', 'jsonb', (col) => col.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('secret_headers', 'text')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  // A model calls actions by name, so names are unique within a GPT.
  await db.schema
    .createIndex('gpt_action_gpt_name_key')
    .on('gpt_action')
    .columns(['gpt_id', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('action_run')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('gpt_id', 'uuid', (col) => col.notNull().references('gpt.id').onDelete('cascade'))
    // The record outlives the action it ran, so the history stays readable after a delete.
    .addColumn('action_id', 'uuid', (col) => col.references('gpt_action.id').onDelete('set null'))
    .addColumn('action_name', 'text', (col) => col.notNull())
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('session_id', 'text')
    .addColumn('method', 'text', (col) => col.notNull())
    .addColumn('target_host', 'text', (col) => col.notNull())
    .addColumn('outcome', 'text', (col) =>
      col.notNull().check(sql`outcome in ('ok', 'denied', 'timeout', 'unreachable', 'error')`),
    )
    .addColumn('status', 'integer')
    .addColumn('error_code', 'text')
    .addColumn('response_bytes', 'integer')
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('action_run_gpt_created_idx')
    .on('action_run')
    .columns(['gpt_id', 'created_at desc', 'id desc'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('action_run').execute();
  await db.schema.dropIndex('gpt_action_gpt_name_key').execute();
  await db.schema
    .alterTable('gpt_action')
    .dropColumn('arguments')
    .dropColumn('secret_headers')
    .dropColumn('updated_at')
    .execute();
}
