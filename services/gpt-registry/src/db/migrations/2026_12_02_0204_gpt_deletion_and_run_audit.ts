import { type Kysely, sql } from 'kysely';

// Frozen. A GPT being deleted is marked first (new chat sessions are refused from then on), and its
// action runs outlive it: the audit is kept, marked with when its GPT was deleted, for a retention
// period, instead of going by cascade.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('gpt').addColumn('deleting_at', 'timestamptz').execute();
  await sql`alter table action_run drop constraint action_run_gpt_id_fkey`.execute(db);
  await db.schema.alterTable('action_run').addColumn('gpt_deleted_at', 'timestamptz').execute();
  await db.schema
    .createIndex('action_run_gpt_deleted_idx')
    .on('action_run')
    .column('gpt_deleted_at')
    .where(sql.ref('gpt_deleted_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('action_run_gpt_deleted_idx').execute();
  await db.schema.alterTable('action_run').dropColumn('gpt_deleted_at').execute();
  await sql`delete from action_run where gpt_id not in (select id from gpt)`.execute(db);
  await sql`alter table action_run add constraint action_run_gpt_id_fkey foreign key (gpt_id) references gpt (id) on delete cascade`.execute(
    db,
  );
  await db.schema.alterTable('gpt').dropColumn('deleting_at').execute();
}
