import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import type { Db } from './index.js';
import type { ActionRow, GptActionTable } from './schema.js';

/**
 * An action as its row stores it: non-secret headers and parameters in clear, secret ones shown as
 * `***`, their values sealed in `secret_headers` and `secret_parameters` (actions/stored-action.ts
 * seals and opens them; this file never sees a secret in clear).
 */
export type SealedAction = Omit<Insertable<GptActionTable>, 'id' | 'gpt_id' | 'created_at' | 'updated_at'>;

/**
 * The tool names the GPT's actions use, read with the GPT's row locked: whoever picks a new one holds
 * the lock until its transaction ends, so two writers cannot both take `get_weather`.
 */
export async function lockToolNames(trx: Db, gptId: string, except?: string): Promise<Set<string>> {
  await trx.selectFrom('gpt').select('id').where('id', '=', gptId).forNoKeyUpdate().execute();
  let query = trx.selectFrom('gpt_action').select('tool_name').where('gpt_id', '=', gptId);
  if (except) query = query.where('id', '!=', except);
  return new Set((await query.execute()).map((row) => row.tool_name));
}

export async function insertActionRows(
  db: Db,
  gptId: string,
  rows: Array<SealedAction & { id: string }>,
): Promise<ActionRow[]> {
  if (rows.length === 0) return [];
  return db
    .insertInto('gpt_action')
    .values(rows.map((row) => ({ ...row, gpt_id: gptId })))
    .returningAll()
    .execute();
}

/** The user's action as a query: none when it is missing or belongs to another user's GPT. */
const usersAction = (db: Db, userId: string, actionId: string) =>
  db
    .selectFrom('gpt_action')
    .selectAll('gpt_action')
    .innerJoin('gpt', 'gpt.id', 'gpt_action.gpt_id')
    .where('gpt_action.id', '=', actionId)
    .where('gpt.user_id', '=', userId);

/** The user's action, or undefined when it is missing or belongs to another user's GPT. */
export async function findAction(db: Db, userId: string, actionId: string): Promise<ActionRow | undefined> {
  return usersAction(db, userId, actionId).executeTakeFirst();
}

/** findAction with the row locked until the transaction `trx` ends. */
export async function lockAction(trx: Db, userId: string, actionId: string): Promise<ActionRow | undefined> {
  return usersAction(trx, userId, actionId).forUpdate().executeTakeFirst();
}

export async function writeAction(db: Db, actionId: string, action: SealedAction): Promise<ActionRow> {
  return db
    .updateTable('gpt_action')
    .set({ ...action, updated_at: sql`now()` })
    .where('id', '=', actionId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listActions(db: Db, gptId: string, { activeOnly = false } = {}): Promise<ActionRow[]> {
  let query = db.selectFrom('gpt_action').selectAll().where('gpt_id', '=', gptId);
  if (activeOnly) query = query.where('is_active', '=', true);
  return query.orderBy('created_at').orderBy('name').execute();
}

/** The id of the GPT an action belongs to, whoever owns it: the caller checks the access. */
export async function findActionGptId(db: Db, actionId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('gpt_action')
    .select('gpt_id')
    .where('id', '=', actionId)
    .executeTakeFirst();
  return row?.gpt_id;
}

/** Deletes those of `actionIds` that belong to the GPT (an import replacing them). */
export async function deleteActionsOfGpt(db: Db, gptId: string, actionIds: string[]): Promise<void> {
  if (actionIds.length === 0) return;
  await db.deleteFrom('gpt_action').where('id', 'in', actionIds).where('gpt_id', '=', gptId).execute();
}

export async function deleteAction(db: Db, userId: string, actionId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('gpt_action')
    .where('id', '=', actionId)
    .where('gpt_id', 'in', (query) => query.selectFrom('gpt').select('id').where('user_id', '=', userId))
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export type SealedSecrets = Pick<ActionRow, 'id' | 'url' | 'secret_headers' | 'secret_parameters'>;

/** Up to `limit` ids of actions that hold sealed secrets, in id order after `after`. */
export async function actionIdsWithSecrets(db: Db, after: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('gpt_action')
    .select('id')
    .where('id', '>', after)
    .where((eb) => eb.or([eb('secret_headers', 'is not', null), eb('secret_parameters', 'is not', null)]))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** An action's sealed secrets with its row locked until the transaction `trx` ends. */
export async function lockSealedSecrets(trx: Db, actionId: string): Promise<SealedSecrets | undefined> {
  return trx
    .selectFrom('gpt_action')
    .select(['id', 'url', 'secret_headers', 'secret_parameters'])
    .where('id', '=', actionId)
    .forUpdate()
    .executeTakeFirst();
}

export async function writeSealedSecrets(
  db: Db,
  actionId: string,
  sealed: Pick<SealedSecrets, 'secret_headers' | 'secret_parameters'>,
): Promise<void> {
  await db
    .updateTable('gpt_action')
    .set({ ...sealed, updated_at: sql`now()` })
    .where('id', '=', actionId)
    .execute();
}
