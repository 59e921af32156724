import { randomUUID } from 'node:crypto';
import { ACTION_SECRET_MASK } from '@chatty/contracts';
import { sql } from 'kysely';
import type { ActionFields } from '../actions/action-input.js';
import { SecretDecryptionError, type SecretKeys } from '../actions/secret-box.js';
import {
  maskedHeaders,
  openSecrets,
  sealSecrets,
  splitHeaders,
  splitParameters,
} from '../actions/secret-headers.js';
import { toolNameOf, uniqueToolName } from '../actions/tool-name.js';
import { inTransaction } from './in-transaction.js';
import type { ActionRow } from './schema.js';
import type { Db } from './user.repository.js';

/**
 * Rows keep non-secret headers and parameters in clear and secret ones as `***` (so responses need no
 * decryption), with their values only in `secret_headers` and `secret_parameters`, encrypted and bound
 * to the action's id and the origin of its URL.
 */
function columnsOf(fields: ActionFields, toolName: string, id: string, key: SecretKeys) {
  const headers = splitHeaders(fields.headers);
  const parameters = splitParameters(fields.parameters);
  const action = { id, url: fields.url };
  return {
    name: fields.name,
    tool_name: toolName,
    description: fields.description,
    url: fields.url,
    method: fields.method,
    headers: JSON.stringify(maskedHeaders(headers.plain, Object.keys(headers.secret))),
    parameters: JSON.stringify(maskedHeaders(parameters.plain, Object.keys(parameters.secret))),
    arguments: JSON.stringify(fields.arguments),
    secret_headers: sealSecrets(key, headers.secret, action),
    secret_parameters: sealSecrets(key, parameters.secret, action),
    is_active: fields.isActive,
    confirmation: fields.confirmation,
  };
}

/** The action's fields with its secrets decrypted; throws SecretDecryptionError if they were altered. */
export function fieldsOf(row: ActionRow, key: SecretKeys): ActionFields {
  const headers = unmask(row.headers, openSecrets(key, row.secret_headers, row));
  const parameters = unmask(row.parameters, openSecrets(key, row.secret_parameters, row));
  return {
    name: row.name,
    description: row.description,
    url: row.url,
    method: row.method,
    headers,
    parameters,
    arguments: row.arguments,
    isActive: row.is_active,
    confirmation: row.confirmation,
  };
}

function unmask(shown: Record<string, string>, secret: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(shown).map(([name, value]) =>
      value === ACTION_SECRET_MASK && name in secret ? [name, secret[name]!] : [name, value],
    ),
  );
}

/** For an update: secrets that no longer decrypt count as absent, so giving them again repairs the action. */
function readableFieldsOf(row: ActionRow, key: SecretKeys): ActionFields {
  try {
    return fieldsOf(row, key);
  } catch (error) {
    if (!(error instanceof SecretDecryptionError)) throw error;
    return fieldsOf({ ...row, secret_headers: null, secret_parameters: null }, key);
  }
}

/**
 * The tool names the GPT's actions use, read with the GPT's row locked: whoever picks a new one holds
 * the lock until its transaction ends, so two writers cannot both take `get_weather`.
 */
async function lockToolNames(trx: Db, gptId: string, except?: string): Promise<Set<string>> {
  await trx.selectFrom('gpt').select('id').where('id', '=', gptId).forNoKeyUpdate().execute();
  let query = trx.selectFrom('gpt_action').select('tool_name').where('gpt_id', '=', gptId);
  if (except) query = query.where('id', '!=', except);
  return new Set((await query.execute()).map((row) => row.tool_name));
}

/** Inserts the actions, each with a tool name derived from its name and unique within the GPT. */
export async function insertActions(
  db: Db,
  gptId: string,
  list: ActionFields[],
  key: SecretKeys,
): Promise<ActionRow[]> {
  if (list.length === 0) return [];
  return inTransaction(db, async (trx) => {
    const taken = await lockToolNames(trx, gptId);
    return trx
      .insertInto('gpt_action')
      .values(
        list.map((fields) => {
          const id = randomUUID();
          const toolName = uniqueToolName(toolNameOf(fields.name), taken);
          return { id, gpt_id: gptId, ...columnsOf(fields, toolName, id, key) };
        }),
      )
      .returningAll()
      .execute();
  });
}

/** The user's action, or undefined when it is missing or belongs to another user's GPT. */
export async function findAction(db: Db, userId: string, actionId: string): Promise<ActionRow | undefined> {
  return db
    .selectFrom('gpt_action')
    .selectAll('gpt_action')
    .innerJoin('gpt', 'gpt.id', 'gpt_action.gpt_id')
    .where('gpt_action.id', '=', actionId)
    .where('gpt.user_id', '=', userId)
    .executeTakeFirst();
}

export async function listActions(db: Db, gptId: string, { activeOnly = false } = {}): Promise<ActionRow[]> {
  let query = db.selectFrom('gpt_action').selectAll().where('gpt_id', '=', gptId);
  if (activeOnly) query = query.where('is_active', '=', true);
  return query.orderBy('created_at').orderBy('name').execute();
}

/**
 * Applies `change` to the user's action with the row locked, so two updates never interleave their
 * read of the stored secrets with the other's write.
 */
export async function updateAction(
  db: Db,
  userId: string,
  actionId: string,
  key: SecretKeys,
  change: (current: ActionFields) => ActionFields,
): Promise<ActionRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('gpt_action')
      .selectAll('gpt_action')
      .innerJoin('gpt', 'gpt.id', 'gpt_action.gpt_id')
      .where('gpt_action.id', '=', actionId)
      .where('gpt.user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) return undefined;
    const next = change(readableFieldsOf(current, key));
    // A new display name gives a new tool name; otherwise the model keeps calling it as before.
    const toolName =
      next.name === current.name
        ? current.tool_name
        : uniqueToolName(toolNameOf(next.name), await lockToolNames(trx, current.gpt_id, actionId));
    return trx
      .updateTable('gpt_action')
      .set({ ...columnsOf(next, toolName, actionId, key), updated_at: sql`now()` })
      .where('id', '=', actionId)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function deleteAction(db: Db, userId: string, actionId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('gpt_action')
    .where('id', '=', actionId)
    .where('gpt_id', 'in', (query) => query.selectFrom('gpt').select('id').where('user_id', '=', userId))
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
