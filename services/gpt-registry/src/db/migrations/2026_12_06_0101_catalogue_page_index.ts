import { type Kysely, sql } from 'kysely';

// Frozen. A workspace's catalogue is read a page at a time, newest first (published_at, then gpt_id):
// this index hands each page over in that order instead of sorting the whole catalogue for it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index catalogue_entry_page_idx
    on catalogue_entry (workspace_id, published_at desc, gpt_id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('catalogue_entry_page_idx').execute();
}
