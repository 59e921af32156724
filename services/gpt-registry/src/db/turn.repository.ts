import { DATABASE_IDENTITY_SQL, preparedStatement } from '@chatty/shared';
import { sql } from 'kysely';
import type { Db } from './index.js';

export interface TurnFacts {
  /**
   * Whether the GPT has any active knowledge file, in any state: one still being ingested may have
   * chunks. Inactive files are left out here and below: no search finds them.
   */
  hasFiles: boolean;
  /** The user's own context for it ('' when none was saved). */
  context: string;
  /**
   * Names the GPT's knowledge (its active files, their states and chunk counts) when every one has settled
   * (ready or failed): equal names, equal chunks. Null while a file is queued or being ingested, when
   * its chunks may still change under the same rows.
   */
  knowledge: string | null;
  /** The database read (DATABASE_IDENTITY_SQL): whose change notices vouch for this answer. */
  source: string;
}

const turnFactsStatement = preparedStatement((db: Db, gptId: string, userId: string) =>
  sql<TurnFacts>`
    select
      exists (select 1 from gpt_file f where f.gpt_id = ${gptId} and f.is_active) as "hasFiles",
      coalesce((select c.context from gpt_context c where c.gpt_id = ${gptId} and c.user_id = ${userId}), '')
        as context,
      (select case when bool_and(f.status in ('ready', 'failed'))
          then md5(string_agg(f.id || ':' || f.status || ':' || coalesce(f.chunk_count, -1) || ':' || f.original_name,
            ',' order by f.id))
        end
        from gpt_file f where f.gpt_id = ${gptId} and f.is_active) as knowledge,
      ${sql.raw(DATABASE_IDENTITY_SQL)} as source`.compile(db),
);

/**
 * What a chat turn needs to know of a GPT and its user, in one round trip; access is the caller's to
 * check. Asked at a GPT's first turn for each user and after every change to it: prepared, Postgres
 * plans its subqueries once per connection.
 */
export async function findTurnFacts(db: Db, gptId: string, userId: string): Promise<TurnFacts> {
  const { rows } = await db.executeQuery(turnFactsStatement(db, gptId, userId));
  return rows[0]!;
}
