import { type Kysely, sql } from 'kysely';

// Frozen. Whether a chat must ask the user before running an action: `auto` asks for the methods that
// change things (POST, PUT, DELETE), `always` and `never` are the owner's override.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('gpt_action')
    .addColumn('confirmation', 'text', (col) =>
      col.notNull().defaultTo('auto').check(sql`confirmation in ('auto', 'always', 'never')`),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('gpt_action').dropColumn('confirmation').execute();
}
