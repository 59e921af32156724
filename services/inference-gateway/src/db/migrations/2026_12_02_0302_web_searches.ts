import type { Kysely } from 'kysely';

// The web searches an answer made (query, result count, status), shown with it like its action calls.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('chat_message').addColumn('web_searches', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('chat_message').dropColumn('web_searches').execute();
}
