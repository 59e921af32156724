import { type Kysely, sql } from 'kysely';

// Chat sessions and their messages. user_id and gpt_id point into the registry's tables, which this
// service does not own, so they carry no foreign keys; ownership is checked on every read.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('chat_session')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (col) => col.notNull())
    .addColumn('gpt_id', 'uuid', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('chat_session_user_gpt_idx')
    .on('chat_session')
    .columns(['user_id', 'gpt_id', 'created_at desc'])
    .execute();
  await db.schema.createIndex('chat_session_gpt_idx').on('chat_session').column('gpt_id').execute();

  await db.schema
    .createTable('chat_message')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // Orders a session's messages even when two share a timestamp (a turn is written in one statement).
    .addColumn('seq', 'bigserial', (col) => col.notNull())
    .addColumn('session_id', 'uuid', (col) => col.notNull().references('chat_session.id').onDelete('cascade'))
    .addColumn('role', 'text', (col) => col.notNull().check(sql`role in ('user', 'assistant')`))
    .addColumn('content', 'text', (col) => col.notNull())
    .addColumn('citations', 'jsonb')
    .addColumn('action_calls', 'jsonb')
    .addColumn('model', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('chat_message_session_idx')
    .on('chat_message')
    .columns(['session_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('chat_message').execute();
  await db.schema.dropTable('chat_session').execute();
}
