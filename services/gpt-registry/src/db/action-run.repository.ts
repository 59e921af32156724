import type { Insertable } from 'kysely';
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
