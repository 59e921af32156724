import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import { gptReachable } from '../access/gpt-access.js';
import { fieldsOf, type GptFields } from '../db/gpt.repository.js';
import { recordVersion } from '../db/gpt-version.repository.js';
import type { Db } from '../db/index.js';
import type { GptRow } from '../db/schema.js';

/**
 * The GPT writes an import makes inside its own transaction (which holds the user's lock), so the
 * configuration, the actions and the files land together or not at all; gpt.repository's own writes
 * each open a transaction of their own.
 */
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

/** A new GPT under a chosen id (its files' keys are built from it before the row exists). */
export async function insertImportedGpt(trx: Db, id: string, userId: string, fields: GptFields) {
  const row = await trx
    .insertInto('gpt')
    .values({ ...columnsOf(fields), id, user_id: userId, version: 1 })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordVersion(trx, row, userId);
  return row;
}

/**
 * The GPT with the imported configuration: a new version by `authorId`, its owner or an editor (the
 * access is checked again here, under the row's lock, so a share removed meanwhile stops it), unless
 * nothing changed.
 */
export async function replaceGptConfig(
  trx: Db,
  authorId: string,
  id: string,
  fields: GptFields,
): Promise<GptRow | undefined> {
  const current = await trx
    .selectFrom('gpt')
    .selectAll()
    .where('id', '=', id)
    .where(gptReachable(authorId, 'gpt.id', 'edit'))
    .forUpdate()
    .executeTakeFirst();
  if (!current) return undefined;
  if (isDeepStrictEqual(fieldsOf(current), fields)) return current;
  const row = await trx
    .updateTable('gpt')
    .set({ ...columnsOf(fields), version: current.version + 1, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordVersion(trx, row, authorId);
  return row;
}
