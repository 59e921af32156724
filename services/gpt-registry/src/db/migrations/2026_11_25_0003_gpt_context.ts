import { type Kysely, sql } from 'kysely';

// A GPT's persistent context, one text per GPT and user: what the chat carries from one session to the
// next. Keyed by user too, so a shared GPT (later) keeps each person's context apart.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('gpt_context')
    .addColumn('gpt_id', 'uuid', (col) => col.notNull().references('gpt.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (col) => col.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('context', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('gpt_context_pkey', ['gpt_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('gpt_context').execute();
}
