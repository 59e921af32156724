import type { Kysely } from 'kysely';

// Frozen. Parameters that carry credentials (`api_key`, `token`, `password`…) become write-only like
// secret headers: `parameters` shows them as `***`, their values live here, encrypted.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('gpt_action').addColumn('secret_parameters', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('gpt_action').dropColumn('secret_parameters').execute();
}
