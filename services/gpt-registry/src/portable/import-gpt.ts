import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import {
  ACTION_SECRET_MASK,
  filePrefix,
  type ImportReport,
  KNOWLEDGE_TYPES,
  type KnowledgeType,
  originalKey,
  type PortableSecretToSet,
} from '@chatty/contracts';
import { forbidden, notFound, type ObjectStore } from '@chatty/shared';
import type { FastifyBaseLogger } from 'fastify';
import { requireGpt } from '../access/gpt-access.js';
import {
  type ActionFields,
  checkActionFields,
  mergeHeaders,
  mergeParameters,
} from '../actions/action-input.js';
import { SecretDecryptionError, type SecretKeys } from '../actions/secret-box.js';
import { originOf, splitHeaders, splitParameters } from '../actions/secret-headers.js';
import { insertActions, openAction } from '../actions/stored-action.js';
import { generateAvatar } from '../avatar/generate-avatar.js';
import { checkAvatarField } from '../avatar/validate-avatar.js';
import { deleteActionsOfGpt, listActions } from '../db/action.repository.js';
import { toFile } from '../db/file.mapper.js';
import { insertFile, listFiles } from '../db/file.repository.js';
import { NO_CAPABILITIES, toGpt } from '../db/gpt.mapper.js';
import { type GptFields, insertGpt, updateGpt } from '../db/gpt.repository.js';
import type { Db } from '../db/index.js';
import { countActions, countFiles, countGpts, sumFileBytes, withUserLock } from '../db/quota.repository.js';
import type { ActionRow } from '../db/schema.js';
import { removeOrphanedBlobs } from '../files/blob-deletion.js';
import { cleanFileName, decideType } from '../files/decide-type.js';
import { ensureRoom, type QuotaLimits } from '../quotas/quotas.js';
import { checkStarters, gptNameOf, resolveModelId } from '../routes/gpts/gpt-input.js';
import type { ArchiveFile, PortableArchive } from './read-archive.js';

export interface ImportContext {
  db: Db;
  models: Parameters<typeof resolveModelId>[0];
  quotas: QuotaLimits;
  storage: ObjectStore;
  enqueueIngest(fileId: string): Promise<boolean>;
  /** The key of action secrets, headers and parameters (deriveKey(secret, 'action-secrets')). */
  actionKey: SecretKeys;
  log: FastifyBaseLogger;
}

interface PreparedFile {
  id: string;
  originalName: string;
  type: KnowledgeType;
  file: ArchiveFile;
}

/**
 * Turns a checked archive into a GPT: a new one of the user's, or (`into`) a new version, authored by
 * the user, of a GPT they own or may edit, whose actions of the same name are replaced (their stored
 * secrets, headers and parameters, kept while the origin stays the same) and which gets the files it
 * does not hold yet. A secret the file holds as `***` and no stored value fills is left out of the
 * action (never sent as `***`) and listed in `secretsToSet`. Knowledge files and actions are the
 * owner's alone: into a GPT the user only edits, an archive carrying any is refused (403), so an
 * editor's import is a configuration only. What goes into a GPT is its owner's:
 * the owner's quotas, lock and storage keys. Everything that can be refused is checked before anything
 * is written; blobs go to storage first, the rows in one transaction under the owner's lock (with the
 * quotas), and a failure removes the blobs again. Files are then queued for ingestion.
 */
export async function importGpt(
  context: ImportContext,
  userId: string,
  archive: PortableArchive,
  into?: string,
): Promise<ImportReport> {
  const found = into ? await requireGpt(context.db, userId, into, 'edit') : undefined;
  if (found && found.access !== 'owner' && (archive.actions.length > 0 || archive.files.length > 0)) {
    throw forbidden(
      'NOT_ALLOWED',
      "Knowledge files and actions are the owner's to change: into a GPT you may edit, import a file " +
        'that holds its configuration only (no actions, no knowledge files), such as your own export of it',
    );
  }
  const fields = await gptFieldsOf(archive, context);
  const target = found?.gpt;
  const gptId = target?.id ?? randomUUID();
  const ownerId = target?.user_id ?? userId;
  const checkedActions = archive.actions.map((action) =>
    checkActionFields({ confirmation: 'auto', ...action }),
  );
  const heldBy = async (db: Db): Promise<Held> =>
    target
      ? {
          actions: await listActions(db, gptId),
          shas: new Set((await listFiles(db, gptId)).map((file) => file.sha256)),
        }
      : { actions: [], shas: new Set() };

  // What the GPT holds now decides early what to refuse and which files to store at all; it is read
  // again under the lock below, where the import is decided.
  const early = await heldBy(context.db);
  const skippedFiles: ImportReport['skippedFiles'] = [];
  const alreadyHeld = (originalName: string) =>
    skippedFiles.push({ originalName, reason: 'The GPT already has a file with this content' });
  const candidates: PreparedFile[] = [];
  const seen = new Set<string>();
  for (const file of archive.files) {
    const originalName = cleanFileName(file.originalName);
    if (early.shas.has(file.spooled.sha256) || seen.has(file.spooled.sha256)) {
      alreadyHeld(originalName);
      continue;
    }
    seen.add(file.spooled.sha256);
    const type = await decideType(originalName, file.spooled.path, file.spooled.textEncoding);
    candidates.push({ id: randomUUID(), originalName, type, file });
  }

  const checkQuotas = async (db: Db, actions: PlannedAction[], files: PreparedFile[]) => {
    if (!target) ensureRoom('gpts', context.quotas.gpts, await countGpts(db, ownerId));
    const newActions = actions.filter((action) => !action.replaces).length;
    if (newActions > 0) {
      const used = target ? await countActions(db, gptId) : 0;
      ensureRoom('actionsPerGpt', context.quotas.actionsPerGpt, used, newActions);
    }
    if (files.length > 0) {
      const used = target ? await countFiles(db, gptId) : 0;
      const addedBytes = files.reduce((sum, each) => sum + each.file.spooled.size, 0);
      ensureRoom('filesPerGpt', context.quotas.filesPerGpt, used, files.length);
      ensureRoom('fileBytes', context.quotas.fileBytes, await sumFileBytes(db, ownerId), addedBytes);
    }
  };
  // Refused early, before any upload to storage; asked again, finally, under the lock below.
  await checkQuotas(
    context.db,
    planActions(checkedActions, early.actions, context.actionKey).actions,
    candidates,
  );

  const committed = new Set<string>();
  try {
    for (const each of candidates) {
      await context.storage.put(
        originalKey(ownerId, gptId, each.id),
        createReadStream(each.file.spooled.path),
        each.file.spooled.size,
        KNOWLEDGE_TYPES[each.type].mime,
      );
    }
    const written = await withUserLock(context.db, ownerId, async (trx) => {
      // The target's row first (FOR UPDATE, not being deleted, the edit access checked again): imports
      // into one GPT take turns from here, so each reads the actions and files the one before it wrote,
      // and replaces or skips them instead of adding them twice.
      if (target) await lockLiveTarget(trx, gptId);
      const updated = target ? await replaceGptConfigOrFail(trx, userId, gptId, fields) : undefined;
      const held = await heldBy(trx);
      const { actions, secretsToSet } = planActions(checkedActions, held.actions, context.actionKey);
      const files = candidates.filter((each) => !held.shas.has(each.file.spooled.sha256));
      const heldMeanwhile = candidates.filter((each) => held.shas.has(each.file.spooled.sha256));
      await checkQuotas(trx, actions, files);
      const gptRow = updated ?? (await insertGpt(trx, userId, fields, gptId));
      const replacedIds = actions.flatMap((action) => (action.replaces ? [action.replaces] : []));
      await deleteActionsOfGpt(trx, gptId, replacedIds);
      const actionRows = await insertActions(
        trx,
        gptId,
        actions.map((action) => action.fields),
        context.actionKey,
      );
      const fileRows = [];
      for (const each of files) {
        fileRows.push(
          await insertFile(trx, {
            id: each.id,
            gptId,
            filename: `${each.id}${storedExtension(each.type, each.originalName)}`,
            originalName: each.originalName,
            mimeType: KNOWLEDGE_TYPES[each.type].mime,
            size: each.file.spooled.size,
            storageKey: originalKey(ownerId, gptId, each.id),
            sha256: each.file.spooled.sha256,
          }),
        );
      }
      return { gptRow, actions, secretsToSet, actionRows, fileRows, heldMeanwhile };
    });
    for (const row of written.fileRows) committed.add(row.id);
    // Copies another import stored first: their blobs were written for nothing.
    for (const each of written.heldMeanwhile) {
      alreadyHeld(each.originalName);
      await removeBlobs(context, ownerId, gptId, each.id);
    }
    for (const row of written.fileRows) await context.enqueueIngest(row.id);
    const actionsReport = written.actionRows.map((row, index) => ({
      id: row.id,
      name: row.name,
      replaced: Boolean(written.actions[index]!.replaces),
    }));
    return {
      gpt: toGpt(written.gptRow),
      created: !target,
      sourceVersion: archive.manifest.gpt.version,
      actions: actionsReport,
      files: written.fileRows.map((row) => {
        const file = toFile(row);
        return { id: file.id, originalName: file.originalName, size: file.size, status: file.status };
      }),
      skippedFiles,
      // One INSERT of many rows returns them in the order given.
      secretsToSet: written.secretsToSet.map(({ secret, index }) => ({
        ...secret,
        actionId: actionsReport[index]!.id,
      })),
    };
  } catch (error) {
    // Only blobs no committed row points at: a failure after the commit (queueing) leaves the files.
    for (const each of candidates) {
      if (!committed.has(each.id)) await removeBlobs(context, ownerId, gptId, each.id);
    }
    throw error;
  }
}

interface Held {
  actions: ActionRow[];
  shas: Set<string>;
}

interface PlannedAction {
  fields: ActionFields;
  /** The id of the action of the same name it replaces. */
  replaces?: string;
}

/** A secret still to set, and the index of its action among the planned ones. */
interface PlannedSecret {
  secret: PortableSecretToSet;
  index: number;
}

/**
 * The archive's actions against those the GPT holds: one of the same name is replaced, its stored
 * secrets (headers and credential-like parameters) kept as a PUT of the action keeps them: a secret
 * given as `***` takes the stored value while the origin (scheme, host, port) stays the same, and is
 * left out otherwise. The secrets left out are listed, to set again. Each held action is replaced once
 * at most, in order (a GPT may hold two of one name): the archive's further actions of that name are
 * new, and count against the quota as such.
 */
function planActions(
  checked: ActionFields[],
  existing: ActionRow[],
  key: SecretKeys,
): { actions: PlannedAction[]; secretsToSet: PlannedSecret[] } {
  const secretsToSet: PlannedSecret[] = [];
  const taken = new Set<string>();
  const actions = checked.map((fields, index) => {
    const replaced = existing.find((row) => row.name === fields.name && !taken.has(row.id));
    if (replaced) taken.add(replaced.id);
    const stored = replaced ? storedSecrets(replaced, key) : { headers: {}, parameters: {} };
    const originChanged = replaced ? originOf(replaced.url) !== originOf(fields.url) : true;
    const headers = mergeHeaders(fields.headers, stored.headers, originChanged);
    const parameters = mergeParameters(fields.parameters, stored.parameters, originChanged);
    // What the merge left out of the given map is a `***` no stored secret filled.
    for (const header of Object.keys(fields.headers)) {
      if (!(header in headers)) secretsToSet.push({ secret: { action: fields.name, header }, index });
    }
    for (const parameter of Object.keys(fields.parameters)) {
      if (!(parameter in parameters)) {
        secretsToSet.push({ secret: { action: fields.name, parameter }, index });
      }
    }
    return { fields: { ...fields, headers, parameters }, replaces: replaced?.id };
  });
  return { actions, secretsToSet };
}

function removeBlobs(context: ImportContext, ownerId: string, gptId: string, fileId: string) {
  return removeOrphanedBlobs(
    context.db,
    context.storage,
    context.log,
    filePrefix(ownerId, gptId, fileId),
  ).catch(() => {});
}

async function gptFieldsOf(archive: PortableArchive, context: ImportContext): Promise<GptFields> {
  const gpt = archive.gpt;
  const name = gptNameOf(gpt.name);
  return {
    name,
    description: gpt.description,
    instructions: gpt.instructions,
    conversationStarters: checkStarters(gpt.conversationStarters),
    capabilities: { ...NO_CAPABILITIES, ...gpt.capabilities },
    modelId: resolveModelId(context.models, gpt.modelId),
    avatar: gpt.avatar ? await checkAvatarField(gpt.avatar) : generateAvatar(name),
    isActive: gpt.isActive,
  };
}

/** Locks the GPT's row FOR UPDATE until the transaction ends; 404 when it is gone or being deleted. */
async function lockLiveTarget(trx: Db, gptId: string): Promise<void> {
  const row = await trx
    .selectFrom('gpt')
    .select('id')
    .where('id', '=', gptId)
    .where('deleting_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('GPT');
}

async function replaceGptConfigOrFail(trx: Db, authorId: string, gptId: string, fields: GptFields) {
  const row = await updateGpt(trx, authorId, gptId, () => fields);
  if (!row) throw notFound('GPT');
  return row;
}

/**
 * The action's stored secret headers and parameters, in clear; none when they no longer decrypt (they
 * must be set again). A stored `***` is no secret (an import before parameters were merged kept the
 * placeholder itself): it is not kept either, so it is left out and listed as a secret to set.
 */
function storedSecrets(
  row: ActionRow,
  key: SecretKeys,
): { headers: Record<string, string>; parameters: Record<string, string> } {
  let fields: ActionFields;
  try {
    fields = openAction(row, key);
  } catch (error) {
    if (!(error instanceof SecretDecryptionError)) throw error;
    return { headers: {}, parameters: {} };
  }
  const set = (secret: Record<string, string>) =>
    Object.fromEntries(Object.entries(secret).filter(([, value]) => value !== ACTION_SECRET_MASK));
  return {
    headers: set(splitHeaders(fields.headers).secret),
    parameters: set(splitParameters(fields.parameters).secret),
  };
}

/** As an upload: the name's extension when it is one of its type's, else the type's first. */
function storedExtension(type: KnowledgeType, name: string): string {
  const extensions: readonly string[] = KNOWLEDGE_TYPES[type].extensions;
  const given = extname(name).toLowerCase();
  return extensions.includes(given) ? given : extensions[0]!;
}
