import { randomUUID } from 'node:crypto';
import { ACTION_SECRET_MASK } from '@chatty/contracts';
import {
  insertActionRows,
  lockAction,
  lockToolNames,
  type SealedAction,
  writeAction,
} from '../db/action.repository.js';
import { type Db, inTransaction } from '../db/index.js';
import { countActions, withUserLock } from '../db/quota.repository.js';
import type { ActionRow } from '../db/schema.js';
import { ensureRoom, type QuotaLimits } from '../quotas/quotas.js';
import type { ActionFields } from './action-input.js';
import { SecretDecryptionError, type SecretKeys } from './secret-box.js';
import { maskedHeaders, openSecrets, sealSecrets, splitHeaders, splitParameters } from './secret-headers.js';
import { toolNameOf, uniqueToolName } from './tool-name.js';

/**
 * An action as its row keeps it: secret headers and parameters as `***` (so responses need no
 * decryption), their values sealed and bound to the action's id and the origin of its URL.
 */
function sealAction(fields: ActionFields, toolName: string, id: string, key: SecretKeys): SealedAction {
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
export function openAction(row: ActionRow, key: SecretKeys): ActionFields {
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
    return openAction(row, key);
  } catch (error) {
    if (!(error instanceof SecretDecryptionError)) throw error;
    return openAction({ ...row, secret_headers: null, secret_parameters: null }, key);
  }
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
    const rows = list.map((fields) => {
      const id = randomUUID();
      return { id, ...sealAction(fields, uniqueToolName(toolNameOf(fields.name), taken), id, key) };
    });
    return insertActionRows(trx, gptId, rows);
  });
}

/** Inserts actions all or nothing, refused (409) when the GPT would pass QUOTA_ACTIONS_PER_GPT. */
export function insertActionsUnderQuota(
  app: { db: Db; quotas: QuotaLimits },
  userId: string,
  gptId: string,
  list: ActionFields[],
  key: SecretKeys,
) {
  return withUserLock(app.db, userId, async (trx) => {
    ensureRoom('actionsPerGpt', app.quotas.actionsPerGpt, await countActions(trx, gptId), list.length);
    return insertActions(trx, gptId, list, key);
  });
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
    const current = await lockAction(trx, userId, actionId);
    if (!current) return undefined;
    const next = change(readableFieldsOf(current, key));
    // A new display name gives a new tool name; otherwise the model keeps calling it as before.
    const toolName =
      next.name === current.name
        ? current.tool_name
        : uniqueToolName(toolNameOf(next.name), await lockToolNames(trx, current.gpt_id, actionId));
    return writeAction(trx, actionId, sealAction(next, toolName, actionId, key));
  });
}
