import { isDeepStrictEqual } from 'node:util';
import { type NewestFirstPosition, olderThan, pageOf, positionAt, preparedStatement } from '@chatty/shared';
import { sql } from 'kysely';
import { NO_CAPABILITIES } from './gpt.mapper.js';
import { accessSql, type GptAccess, gptReachable } from './gpt-access.repository.js';
import { recordVersion } from './gpt-version.repository.js';
import { inTransaction } from './in-transaction.js';
import type { Db } from './index.js';
import type { GptCapabilities, GptRow, GptTable } from './schema.js';

/** The editable configuration of a GPT, already validated and normalised by the caller. */
export interface GptFields {
  name: string;
  description: string;
  instructions: string;
  conversationStarters: string[];
  capabilities: GptCapabilities;
  modelId: string;
  avatar: string | null;
  isActive: boolean;
}

export class VersionConflictError extends Error {
  constructor(readonly currentVersion: number) {
    super(`The GPT is at version ${currentVersion}`);
  }
}

function fieldsOf(row: GptRow): GptFields {
  return {
    name: row.name,
    description: row.description,
    instructions: row.instructions,
    conversationStarters: row.conversation_starters,
    capabilities: { ...NO_CAPABILITIES, ...row.capabilities },
    modelId: row.model_id,
    avatar: row.avatar,
    isActive: row.is_active,
  };
}

function columnsOf(fields: GptFields) {
  return {
    name: fields.name,
    description: fields.description,
    instructions: fields.instructions,
    conversation_starters: JSON.stringify(fields.conversationStarters),
    capabilities: JSON.stringify(fields.capabilities),
    model_id: fields.modelId,
    avatar: fields.avatar,
    is_active: fields.isActive,
  };
}

/**
 * Only the columns that changed: Postgres then keeps an unchanged avatar's TOAST value by reference
 * instead of writing the whole data URL again on every update of the row.
 */
function changedColumns(before: GptFields, after: GptFields) {
  const old = columnsOf(before);
  const next = columnsOf(after);
  return Object.fromEntries(
    (Object.keys(next) as Array<keyof typeof next>)
      .filter((column) => next[column] !== old[column])
      .map((column) => [column, next[column]]),
  ) as Partial<typeof next>;
}

/**
 * Inserts a GPT with its first version; inside the caller's transaction when given one (quota lock).
 * `id` is for an import, whose files' keys are built from the id before the row exists.
 */
export async function insertGpt(db: Db, userId: string, fields: GptFields, id?: string): Promise<GptRow> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('gpt')
      .values({ ...columnsOf(fields), ...(id !== undefined && { id }), user_id: userId, version: 1 })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordVersion(trx, row, userId);
    return row;
  });
}

/** Every column of `gpt`, by name: a prepared statement must not select `*` (see `prepared`). */
const GPT_COLUMNS = [
  'id',
  'user_id',
  'name',
  'description',
  'instructions',
  'conversation_starters',
  'avatar',
  'capabilities',
  'model_id',
  'is_active',
  'version',
  'conversation_count',
  'created_at',
  'updated_at',
  'deleting_at',
] as const satisfies ReadonlyArray<keyof GptTable>;
// Fails to compile when a column is added to GptTable but not to the list above.
const everyGptColumn: Exclude<keyof GptTable, (typeof GPT_COLUMNS)[number]> extends never ? true : never =
  true;
void everyGptColumn;

/**
 * findGpt is on the path of GET /api/gpts/:id and of every route that first checks a GPT's owner:
 * compiled once per database handle and sent as a prepared statement (Postgres plans it once per
 * connection).
 */
const findGptStatement = preparedStatement((db: Db, id: string, userId: string) =>
  db
    .selectFrom('gpt')
    .select(GPT_COLUMNS)
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleting_at', 'is', null)
    .compile(),
);

export async function findGpt(db: Db, userId: string, id: string): Promise<GptRow | undefined> {
  const { rows } = await db.executeQuery<GptRow>(findGptStatement(db, id, userId));
  return rows[0];
}

/** The GPT with the caller's access to it, when they have any (another user's GPT is undefined). */
export async function findGptWithAccess(
  db: Db,
  userId: string,
  gptId: string,
): Promise<{ gpt: GptRow; access: GptAccess } | undefined> {
  // One's own GPT first, through the precompiled owner lookup: most requests are the owner's, and the
  // access query costs about as much again to plan as to run (bench/access.bench.ts).
  const own = await findGpt(db, userId, gptId);
  if (own) return { gpt: own, access: 'owner' };
  const row = await db
    .selectFrom('gpt as g')
    .selectAll('g')
    .select(accessSql(userId).as('access'))
    .where('g.id', '=', gptId)
    // A GPT being deleted is gone to everyone (no new chat session may start on it).
    .where('g.deleting_at', 'is', null)
    .executeTakeFirst();
  if (!row?.access) return undefined;
  const { access, ...gpt } = row;
  return { gpt: gpt as GptRow, access };
}

/** A page of the user's GPTs, newest first, after `after`; `next` is where the page ends, if more follow. */
export async function listGpts(
  db: Db,
  userId: string,
  { limit, after }: { limit: number; after?: NewestFirstPosition },
) {
  let query = db
    .selectFrom('gpt')
    .selectAll()
    .select(positionAt())
    .where('user_id', '=', userId)
    .where('deleting_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) query = query.where(olderThan(after));
  return pageOf(await query.execute(), limit);
}

/**
 * Applies `change` to a GPT the user may edit (theirs, or shared with them as "can edit") and records
 * the new version with them as its author, in one transaction with the row locked so concurrent
 * updates get distinct versions (the caller's, when given one: an import writes the GPT, its actions
 * and files together). The access is checked under the row's lock, so a share removed meanwhile stops
 * it. An update that changes nothing keeps the version. With `expectedVersions`, the current version
 * must be one of them (VersionConflictError otherwise).
 */
export async function updateGpt(
  db: Db,
  userId: string,
  id: string,
  change: (current: GptFields) => GptFields,
  expectedVersions?: readonly number[],
): Promise<GptRow | undefined> {
  return inTransaction(db, async (trx) => {
    const current = await trx
      .selectFrom('gpt')
      .selectAll()
      .where('id', '=', id)
      .where(gptReachable(userId, 'gpt.id', 'edit'))
      .forUpdate()
      .executeTakeFirst();
    if (!current) return undefined;
    if (expectedVersions !== undefined && !expectedVersions.includes(current.version)) {
      throw new VersionConflictError(current.version);
    }
    const before = fieldsOf(current);
    const after = change(before);
    if (isDeepStrictEqual(before, after)) return current;
    const row = await trx
      .updateTable('gpt')
      .set({ ...changedColumns(before, after), version: current.version + 1, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordVersion(trx, row, userId);
    return row;
  });
}

/**
 * Marks the user's GPT as being deleted (every lookup stops finding it, so no chat session can start)
 * and answers whether there was one; `false` undoes the mark, for a delete that could not go on.
 */
export async function markGptDeleting(db: Db, userId: string, id: string, deleting = true): Promise<boolean> {
  const result = await db
    .updateTable('gpt')
    .set({ deleting_at: deleting ? sql<Date>`now()` : null })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * In the caller's transaction: whether the user's GPT is there and not being deleted, locked FOR KEY
 * SHARE until the transaction ends (the lock a row pointing at it takes anyway, taken first). A write
 * of rows under a GPT (a file) takes it before anything else: the delete locks the GPT's row and then
 * the rows under it, so taking them in the same order never deadlocks with it, and a GPT marked as
 * being deleted gets nothing new.
 */
export async function lockLiveGpt(trx: Db, userId: string, id: string): Promise<boolean> {
  const row = await trx
    .selectFrom('gpt')
    .select('id')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('deleting_at', 'is', null)
    .forKeyShare()
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes the GPT; its action runs stay, marked with the time, for the audit's retention period. */
export async function deleteGpt(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('gpt')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (result.numDeletedRows === 0n) return false;
  await db
    .updateTable('action_run')
    .set({ gpt_deleted_at: sql<Date>`now()` })
    .where('gpt_id', '=', id)
    .execute();
  return true;
}
