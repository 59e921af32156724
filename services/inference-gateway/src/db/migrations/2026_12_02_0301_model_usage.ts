import { type Kysely, sql } from 'kysely';

// Tokens used, per day, user, GPT and the model that answered: one row each, counted up as answers
// finish, so the table grows with distinct combinations, not with requests. gpt_id is null for a base
// model asked through /v1; user_id and gpt_id point into the registry's tables (no foreign keys).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('model_usage')
    .addColumn('day', 'date', (col) => col.notNull())
    .addColumn('user_id', 'uuid', (col) => col.notNull())
    .addColumn('gpt_id', 'uuid')
    .addColumn('model', 'text', (col) => col.notNull())
    .addColumn('provider', 'text', (col) => col.notNull())
    .addColumn('requests', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('prompt_tokens', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('completion_tokens', 'bigint', (col) => col.notNull().defaultTo(0))
    .addUniqueConstraint('model_usage_key', ['day', 'user_id', 'gpt_id', 'model'], (constraint) =>
      constraint.nullsNotDistinct(),
    )
    .execute();
  await db.schema.createIndex('model_usage_day_idx').on('model_usage').column('day').execute();
  await sql`comment on table model_usage is 'tokens per day, user, GPT and model (inference-gateway)'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('model_usage').execute();
}
