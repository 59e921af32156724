import { sql } from 'kysely';
import type { Db } from './user.repository.js';

/** The user's context for the GPT ('' when none was saved); undefined when the GPT is not theirs. */
export async function findGptContext(db: Db, userId: string, gptId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('gpt')
    .leftJoin('gpt_context', (join) =>
      join.onRef('gpt_context.gpt_id', '=', 'gpt.id').on('gpt_context.user_id', '=', userId),
    )
    .select('gpt_context.context')
    .where('gpt.id', '=', gptId)
    .where('gpt.user_id', '=', userId)
    .executeTakeFirst();
  return row ? (row.context ?? '') : undefined;
}

/** Saves the context when the GPT is the user's; false otherwise (nothing written). */
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
          sql<string>`id`.as('gpt_id'),
          sql<string>`user_id`.as('user_id'),
          sql<string>`${context}`.as('context'),
        ])
        .where('id', '=', gptId)
        .where('user_id', '=', userId),
    )
    .onConflict((conflict) =>
      conflict.columns(['gpt_id', 'user_id']).doUpdateSet({ context, updated_at: sql`now()` }),
    )
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/** GPT ids and names of a user, for lists other services show (the OpenAI-compatible model list). */
export async function listGptSummaries(db: Db, userId: string) {
  return db
    .selectFrom('gpt')
    .select(['id', 'name', 'description', 'model_id', 'created_at'])
    .where('user_id', '=', userId)
    .where('deleting_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1000)
    .execute();
}
