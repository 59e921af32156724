import { sql } from 'kysely';
import type { Db } from './index.js';

export interface TurnFacts {
  /** Whether the GPT has any knowledge file, in any state: one still being ingested may have chunks. */
  hasFiles: boolean;
  /** The user's own context for it ('' when none was saved). */
  context: string;
}

/** What a chat turn needs to know of a GPT and its user, in one round trip; access is the caller's to check. */
export async function findTurnFacts(db: Db, gptId: string, userId: string): Promise<TurnFacts> {
  const { rows } = await sql<TurnFacts>`
    select
      exists (select 1 from gpt_file f where f.gpt_id = ${gptId}) as "hasFiles",
      coalesce((select c.context from gpt_context c where c.gpt_id = ${gptId} and c.user_id = ${userId}), '')
        as context`.execute(db);
  return rows[0]!;
}
