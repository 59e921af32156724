import { type NewestFirstPosition, olderThan, pageOf, positionAt } from '@chatty/shared';
import { type Insertable, sql } from 'kysely';
import type { Db } from './index.js';
import type { ActionRunTable } from './schema.js';

export async function recordActionRun(db: Db, run: Insertable<ActionRunTable>): Promise<void> {
  await db.insertInto('action_run').values(run).execute();
}

/** A page of a GPT's runs, newest first, after `after`; `next` is where it ends, if more follow. */
export async function listActionRuns(
  db: Db,
  gptId: string,
  { limit, after }: { limit: number; after?: NewestFirstPosition | undefined },
) {
  let query = db.selectFrom('action_run').selectAll().select(positionAt()).where('gpt_id', '=', gptId);
  if (after) query = query.where(olderThan(after));
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return pageOf(rows, limit);
}

/**
 * The audit across GPTs, for admins: runs of deleted GPTs included (kept, marked, until the retention
 * period prunes them), newest first, optionally of one GPT or one user.
 */
export async function listActionRunsForAudit(
  db: Db,
  filter: {
    gptId?: string | undefined;
    userId?: string | undefined;
    limit: number;
    after?: NewestFirstPosition;
  },
) {
  let query = db.selectFrom('action_run').selectAll().select(positionAt());
  if (filter.gptId) query = query.where('gpt_id', '=', filter.gptId);
  if (filter.userId) query = query.where('user_id', '=', filter.userId);
  if (filter.after) query = query.where(olderThan(filter.after));
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  return pageOf(rows, filter.limit);
}

/** Removes the runs of GPTs deleted more than `days` ago; the audit of live GPTs is never pruned here. */
export async function pruneActionRuns(db: Db, days: number): Promise<number> {
  const result = await db
    .deleteFrom('action_run')
    .where('gpt_deleted_at', '<', sql<Date>`now() - make_interval(days => ${days})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
