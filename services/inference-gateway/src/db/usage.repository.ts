import { sql } from 'kysely';
import type { MeteredModel } from '../usage/usage-meter.js';
import type { Db } from './schema.js';

/** Adds one request's tokens to today's row of each model it used (one statement, upserting). */
export async function addUsage(
  db: Db,
  who: { userId: string; gptId: string | null },
  entries: MeteredModel[],
): Promise<void> {
  if (entries.length === 0) return;
  const day = new Date().toISOString().slice(0, 10);
  await db
    .insertInto('model_usage')
    .values(
      entries.map((entry) => ({
        day,
        user_id: who.userId,
        gpt_id: who.gptId,
        model: entry.model,
        provider: entry.provider,
        requests: entry.requests,
        prompt_tokens: entry.promptTokens,
        completion_tokens: entry.completionTokens,
      })),
    )
    .onConflict((conflict) =>
      conflict.constraint('model_usage_key').doUpdateSet({
        requests: sql`model_usage.requests + excluded.requests`,
        prompt_tokens: sql`model_usage.prompt_tokens + excluded.prompt_tokens`,
        completion_tokens: sql`model_usage.completion_tokens + excluded.completion_tokens`,
      }),
    )
    .execute();
}

export interface UsageRow {
  userId: string;
  gptId: string | null;
  model: string;
  provider: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

/** Totals per user, GPT and model over the days from `from` on (inclusive); one user's, or everyone's. */
export async function sumUsage(db: Db, from: string, userId?: string): Promise<UsageRow[]> {
  let query = db
    .selectFrom('model_usage')
    .select([
      'user_id',
      'gpt_id',
      'model',
      sql<string>`min(provider)`.as('provider'),
      sql<string>`sum(requests)`.as('requests'),
      sql<string>`sum(prompt_tokens)`.as('prompt_tokens'),
      sql<string>`sum(completion_tokens)`.as('completion_tokens'),
    ])
    .where('day', '>=', from)
    .groupBy(['user_id', 'gpt_id', 'model'])
    .orderBy(sql`sum(prompt_tokens) + sum(completion_tokens)`, 'desc')
    .limit(1000);
  if (userId) query = query.where('user_id', '=', userId);
  const rows = await query.execute();
  return rows.map((row) => ({
    userId: row.user_id,
    gptId: row.gpt_id,
    model: row.model,
    provider: row.provider,
    requests: Number(row.requests),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
  }));
}
