import { type Kysely, sql } from 'kysely';

// Frozen. A new conversation bumps gpt.conversation_count (the catalogue's count), which no chat turn
// reads: it no longer sends a notice, so starting a session does not make every gateway read the GPT
// again. Any other change to the row is announced as before (the whole row is compared, minus the
// count, so a column added later is covered without touching this trigger).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop trigger gpt_changes_row on gpt`.execute(db);
  await sql`create trigger gpt_changes_row after insert or delete on gpt
    for each row execute function notify_gpt_changed('id')`.execute(db);
  await sql`create trigger gpt_changes_update after update on gpt
    for each row
    when ((to_jsonb(old) - 'conversation_count') is distinct from (to_jsonb(new) - 'conversation_count'))
    execute function notify_gpt_changed('id')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger gpt_changes_update on gpt`.execute(db);
  await sql`drop trigger gpt_changes_row on gpt`.execute(db);
  await sql`create trigger gpt_changes_row after insert or update or delete on gpt
    for each row execute function notify_gpt_changed('id')`.execute(db);
}
