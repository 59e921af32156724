import { sql } from 'kysely';
import type { Db } from './index.js';

export interface TurnFacts {
  /** A digest of the GPT's active actions as a chat sees them. */
  actionsDigest: string;
  /** Whether it has any knowledge file, in any state: one still being ingested may have chunks already. */
  hasFiles: boolean;
  /** The user's own context for it ('' when none was saved). */
  context: string;
}

/**
 * What a chat turn needs to know of a GPT besides its own row, in one round trip and without carrying
 * the actions back. The caller checks the user's access first.
 */
export async function findTurnFacts(db: Db, gptId: string, userId: string): Promise<TurnFacts> {
  // The columns are those toRuntimeAction reads, in the order listActions gives: a change to any of
  // them, or an action added, removed, switched off or reordered, changes the digest.
  const { rows } = await sql<TurnFacts>`
    select
      (select md5(coalesce(string_agg(json_build_array(a.id, a.name, a.tool_name, a.description,
                 a.arguments, a.method, a.confirmation)::text, ',' order by a.created_at, a.name, a.id), ''))
         from gpt_action a where a.gpt_id = ${gptId} and a.is_active) as "actionsDigest",
      exists (select 1 from gpt_file f where f.gpt_id = ${gptId}) as "hasFiles",
      coalesce((select c.context from gpt_context c where c.gpt_id = ${gptId} and c.user_id = ${userId}), '')
        as context`.execute(db);
  return rows[0]!;
}
