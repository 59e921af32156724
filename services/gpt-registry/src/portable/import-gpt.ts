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
  type SecretToSet,
} from '@chatty/contracts';
import { notFound, type ObjectStore } from '@chatty/shared';
import type { FastifyBaseLogger } from 'fastify';
import { requireGpt } from '../access/gpt-access.js';
import { type ActionFields, checkActionFields, mergeHeaders } from '../actions/action-input.js';
import type { SecretKeys } from '../actions/secret-box.js';
import { isSecretHeader, originOf } from '../actions/secret-headers.js';
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
  /** The key of secret headers (deriveKey(secret, 'action-secrets')). */
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
 * secrets kept while the host stays the same) and which gets the files it does not hold yet. What goes
 * into a GPT is its owner's: the owner's quotas, lock and storage keys, whoever imports. Everything
 * that can be refused is checked before anything is written; blobs go to storage first, the rows in
 * one transaction under the owner's lock (with the quotas), and a failure removes the blobs again.
 * Files are then queued for ingestion.
 */
export async function importGpt(
  context: ImportContext,
  userId: string,
  archive: PortableArchive,
  into?: string,
): Promise<ImportReport> {
  const fields = await gptFieldsOf(archive, context);
  const target = into ? (await requireGpt(context.db, userId, into, 'edit')).gpt : undefined;
  const gptId = target?.id ?? randomUUID();
  const ownerId = target?.user_id ?? userId;

  const existingActions = target ? await listActions(context.db, gptId) : [];
  const existingShas = new Set(target ? (await listFiles(context.db, gptId)).map((file) => file.sha256) : []);
  const secretsToSet: SecretToSet[] = [];
  const actions = archive.actions.map((action) => {
    const checked = checkActionFields({ confirmation: 'auto', ...action });
    const replaced = existingActions.find((row) => row.name === checked.name);
    const stored = replaced ? storedHeaders(replaced, context.actionKey) : {};
    // Secrets stay only for the same origin (scheme, host, port).
    const hostChanged = replaced ? originOf(replaced.url) !== originOf(checked.url) : true;
    const headers = mergeHeaders(checked.headers, stored, hostChanged);
    for (const [name, value] of Object.entries(checked.headers)) {
      if (isSecretHeader(name) && value === ACTION_SECRET_MASK && !(name in headers)) {
        secretsToSet.push({ action: checked.name, header: name });
      }
    }
    return { fields: { ...checked, headers } satisfies ActionFields, replaces: replaced?.id };
  });

  const skippedFiles: ImportReport['skippedFiles'] = [];
  const files: PreparedFile[] = [];
  for (const file of archive.files) {
    const originalName = cleanFileName(file.originalName);
    if (existingShas.has(file.spooled.sha256)) {
      skippedFiles.push({ originalName, reason: 'The GPT already has a file with this content' });
      continue;
    }
    existingShas.add(file.spooled.sha256);
    const type = await decideType(originalName, file.spooled.path, file.spooled.textEncoding);
    files.push({ id: randomUUID(), originalName, type, file });
  }
  const addedBytes = files.reduce((sum, each) => sum + each.file.spooled.size, 0);

  // Refused early, before any upload to storage; asked again, finally, under the lock below.
  const checkQuotas = async (db: Db) => {
    if (!target) ensureRoom('gpts', context.quotas.gpts, await countGpts(db, ownerId));
    const replacedCount = actions.filter((action) => action.replaces).length;
    const newActions = actions.length - replacedCount;
    if (newActions > 0) {
      const used = target ? await countActions(db, gptId) : 0;
      ensureRoom('actionsPerGpt', context.quotas.actionsPerGpt, used, newActions);
    }
    if (files.length > 0) {
      const used = target ? await countFiles(db, gptId) : 0;
      ensureRoom('filesPerGpt', context.quotas.filesPerGpt, used, files.length);
      ensureRoom('fileBytes', context.quotas.fileBytes, await sumFileBytes(db, ownerId), addedBytes);
    }
  };
  await checkQuotas(context.db);

  try {
    for (const each of files) {
      await context.storage.put(
        originalKey(ownerId, gptId, each.id),
        createReadStream(each.file.spooled.path),
        each.file.spooled.size,
        KNOWLEDGE_TYPES[each.type].mime,
      );
    }
    const written = await withUserLock(context.db, ownerId, async (trx) => {
      await checkQuotas(trx);
      const gptRow = target
        ? await replaceGptConfigOrFail(trx, userId, gptId, fields)
        : await insertGpt(trx, userId, fields, gptId);
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
      return { gptRow, actionRows, fileRows };
    });
    for (const row of written.fileRows) await context.enqueueIngest(row.id);
    const actionsReport = written.actionRows.map((row, index) => ({
      id: row.id,
      name: row.name,
      replaced: Boolean(actions[index]!.replaces),
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
      secretsToSet: secretsToSet.map((secret) => {
        const action = actionsReport.find((each) => each.name === secret.action);
        return action ? { ...secret, actionId: action.id } : secret;
      }),
    };
  } catch (error) {
    for (const each of files) {
      await removeOrphanedBlobs(
        context.db,
        context.storage,
        context.log,
        filePrefix(ownerId, gptId, each.id),
      ).catch(() => {});
    }
    throw error;
  }
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

async function replaceGptConfigOrFail(trx: Db, authorId: string, gptId: string, fields: GptFields) {
  const row = await updateGpt(trx, authorId, gptId, () => fields);
  if (!row) throw notFound('GPT');
  return row;
}

/** The stored headers with their secrets, or none when they no longer decrypt (they must be set again). */
function storedHeaders(row: Parameters<typeof openAction>[0], key: SecretKeys): Record<string, string> {
  try {
    return openAction(row, key).headers;
  } catch {
    return {};
  }
}

/** As an upload: the name's extension when it is one of its type's, else the type's first. */
function storedExtension(type: KnowledgeType, name: string): string {
  const extensions: readonly string[] = KNOWLEDGE_TYPES[type].extensions;
  const given = extname(name).toLowerCase();
  return extensions.includes(given) ? given : extensions[0]!;
}
