import { type Kysely, sql } from 'kysely';

// Frozen. Object-storage prefixes still to delete: written in the transaction that deletes the rows
// they belonged to, removed once the objects are gone, so a storage outage leaves nothing orphaned.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('blob_deletion')
    .addColumn('prefix', 'text', (col) => col.primaryKey())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('blob_deletion').execute();
}
