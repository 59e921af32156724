import { sql } from 'kysely';
import type { Db } from './index.js';

/**
 * What a chat turn needs to know of a GPT besides its own row: a digest of its active actions as
 * the chat sees them, and whether it has any knowledge file (in any state: a file still being
 * ingested may already have searchable chunks). One round trip, no rows carried back.
 */
export async function findTurnFacts(
  db: Db,
  gptId: string,
): Promise<{ actionsDigest: string; hasFiles: boolean }> {
  // The columns are those toRuntimeAction reads, in the order listActions gives: a change to any of
  // them, an action added, removed, switched off or reordered changes the digest.
  const { rows } = await sql<{ actionsDigest: string; hasFiles: boolean }>`
    select
      (select md5(coalesce(string_agg(json_build_array(a.id, a.name, a.tool_name, a.description,
                 a.arguments, a.method, a.confirmation)::text, ',' order by a.created_at, a.name, a.id), ''))
         from gpt_action a where a.gpt_id = ${gptId} and a.is_active) as "actionsDigest",
      exists (select 1 from gpt_file f where f.gpt_id = ${gptId}) as "hasFiles"`.execute(db);
  return rows[0]!;
}

/** The user's own context for a GPT ('' when none was saved); access is the caller's to check. */
export async function findOwnContext(db: Db, userId: string, gptId: string): Promise<string> {
  const row = await db
    .selectFrom('gpt_context')
    .select('context')
    .where('gpt_id', '=', gptId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.context ?? '';
}
