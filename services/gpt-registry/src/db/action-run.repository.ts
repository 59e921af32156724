import { type Insertable, sql } from 'kysely';
import type { Db } from './index.js';
import type { ActionRunRow, ActionRunTable } from './schema.js';

export async function recordActionRun(db: Db, run: Insertable<ActionRunTable>): Promise<void> {
  await db.insertInto('action_run').values(run).execute();
}

export async function listActionRuns(db: Db, gptId: string, limit: number): Promise<ActionRunRow[]> {
  return db
    .selectFrom('action_run')
    .selectAll()
    .where('gpt_id', '=', gptId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * The audit across GPTs, for admins: runs of deleted GPTs included (kept, marked, until the retention
 * period prunes them), newest first, optionally of one GPT or one user.
 */
export async function listActionRunsForAudit(
  db: Db,
  filter: { gptId?: string | undefined; userId?: string | undefined; limit: number },
): Promise<ActionRunRow[]> {
  let query = db.selectFrom('action_run').selectAll();
  if (filter.gptId) query = query.where('gpt_id', '=', filter.gptId);
  if (filter.userId) query = query.where('user_id', '=', filter.userId);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
}

/** Removes the runs of GPTs deleted more than `days` ago; the audit of live GPTs is never pruned here. */
export async function pruneActionRuns(db: Db, days: number): Promise<number> {
  const result = await db
    .deleteFrom('action_run')
    .where('gpt_deleted_at', '<', sql<Date>`now() - make_interval(days => ${days})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
