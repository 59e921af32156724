import { sql } from 'kysely';
import { gptReachable } from './gpt-access.repository.js';
import type { Db } from './index.js';

/** The user's own context for a GPT they can chat with ('' when none was saved); undefined otherwise. */
export async function findGptContext(db: Db, userId: string, gptId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('gpt')
    .leftJoin('gpt_context', (join) =>
      join.onRef('gpt_context.gpt_id', '=', 'gpt.id').on('gpt_context.user_id', '=', userId),
    )
    .select('gpt_context.context')
    .where('gpt.id', '=', gptId)
    .where(gptReachable(userId, 'gpt.id', 'catalogue'))
    .executeTakeFirst();
  return row ? (row.context ?? '') : undefined;
}

/** Saves the user's own context for a GPT they can chat with; false otherwise (nothing written). */
export async function saveGptContext(
  db: Db,
  userId: string,
  gptId: string,
  context: string,
): Promise<boolean> {
  const result = await db
    .insertInto('gpt_context')
    .columns(['gpt_id', 'user_id', 'context'])
    .expression(
      db
        .selectFrom('gpt')
        .select([
          sql<string>`gpt.id`.as('gpt_id'),
          sql<string>`${userId}::uuid`.as('user_id'),
          sql<string>`${context}`.as('context'),
        ])
        .where('gpt.id', '=', gptId)
        .where(gptReachable(userId, 'gpt.id', 'catalogue')),
    )
    .onConflict((conflict) =>
      conflict.columns(['gpt_id', 'user_id']).doUpdateSet({ context, updated_at: sql`now()` }),
    )
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}
