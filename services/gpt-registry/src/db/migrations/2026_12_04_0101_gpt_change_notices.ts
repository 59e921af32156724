import { type Kysely, sql } from 'kysely';

// Frozen. Every committed change to what a chat turn reads of a GPT (the registry's /turn answer)
// sends a notice on the `gpt_changes` channel: the GPT's id, or `*` when a change may reach any GPT
// (workspace membership decides access to GPTs shared with or published to a workspace; a TRUNCATE
// names no row). Notices are sent at commit, from the database itself, so no write path can forget
// one: the inference gateway holds turn answers while it hears them (docs/internal-contracts.md).
const GPT_TABLES: Array<[table: string, idColumn: string]> = [
  ['gpt', 'id'],
  ['gpt_version', 'gpt_id'],
  ['gpt_avatar', 'gpt_id'],
  ['gpt_file', 'gpt_id'],
  ['gpt_action', 'gpt_id'],
  ['gpt_context', 'gpt_id'],
  ['gpt_share', 'gpt_id'],
  ['catalogue_entry', 'gpt_id'],
];
const EVERY_GPT_TABLES = ['workspace_member'];

export async function up(db: Kysely<any>): Promise<void> {
  // TG_ARGV[0] names the row's GPT id column; without it (or for a statement) every GPT may change.
  // Postgres folds equal notices of one transaction into one.
  await sql`create function notify_gpt_changed() returns trigger language plpgsql as $$
    begin
      if tg_level = 'ROW' and tg_nargs > 0 then
        perform pg_notify('gpt_changes',
          (case when tg_op = 'DELETE' then to_jsonb(old) else to_jsonb(new) end) ->> tg_argv[0]);
      else
        perform pg_notify('gpt_changes', '*');
      end if;
      return null;
    end $$`.execute(db);
  for (const [table, idColumn] of GPT_TABLES) {
    await sql`create trigger gpt_changes_row after insert or update or delete on ${sql.table(table)}
      for each row execute function notify_gpt_changed(${sql.lit(idColumn)})`.execute(db);
    await sql`create trigger gpt_changes_truncate after truncate on ${sql.table(table)}
      for each statement execute function notify_gpt_changed()`.execute(db);
  }
  for (const table of EVERY_GPT_TABLES) {
    await sql`create trigger gpt_changes_row after insert or update or delete on ${sql.table(table)}
      for each statement execute function notify_gpt_changed()`.execute(db);
    await sql`create trigger gpt_changes_truncate after truncate on ${sql.table(table)}
      for each statement execute function notify_gpt_changed()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [...GPT_TABLES.map(([table]) => table), ...EVERY_GPT_TABLES]) {
    await sql`drop trigger gpt_changes_row on ${sql.table(table)}`.execute(db);
    await sql`drop trigger gpt_changes_truncate on ${sql.table(table)}`.execute(db);
  }
  await sql`drop function notify_gpt_changed()`.execute(db);
}
