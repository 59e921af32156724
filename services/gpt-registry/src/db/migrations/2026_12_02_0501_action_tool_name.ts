import { type Kysely, sql } from 'kysely';

// Frozen. An action's `name` becomes a display name (any text); the name a model calls it by is
// `tool_name`, derived from it and unique within the GPT. Existing actions keep the tool name the
// gateway gave them until now — their name with runs of other characters as `_`, cut at 64 — so a
// model, a prompt or a client that calls them by that name goes on working.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('gpt_action').addColumn('tool_name', 'text').execute();
  await sql`update gpt_action
    set tool_name = left(regexp_replace(name, '[^A-Za-z0-9_-]+', '_', 'g'), 64)`.execute(db);
  await db.schema
    .alterTable('gpt_action')
    .alterColumn('tool_name', (col) => col.setNotNull())
    .execute();
  await db.schema.dropIndex('gpt_action_gpt_name_key').execute();
  await db.schema
    .createIndex('gpt_action_gpt_tool_name_key')
    .on('gpt_action')
    .columns(['gpt_id', 'tool_name'])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('gpt_action_gpt_tool_name_key').execute();
  // Display names need not be unique: the old unique index comes back only over the tool names.
  await sql`update gpt_action set name = tool_name`.execute(db);
  await db.schema
    .createIndex('gpt_action_gpt_name_key')
    .on('gpt_action')
    .columns(['gpt_id', 'name'])
    .unique()
    .execute();
  await db.schema.alterTable('gpt_action').dropColumn('tool_name').execute();
}
