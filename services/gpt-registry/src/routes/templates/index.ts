import { createHash, randomUUID } from 'node:crypto';
import { CATALOGUE_ROUTES, filePrefix, KNOWLEDGE_TYPES, originalKey } from '@chatty/contracts';
import { callerOf, notFound } from '@chatty/shared';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { checkActionFields } from '../../actions/action-input.js';
import { insertActions } from '../../actions/stored-action.js';
import { generateAvatar } from '../../avatar/generate-avatar.js';
import { insertFile } from '../../db/file.repository.js';
import { NO_CAPABILITIES, toGpt } from '../../db/gpt.mapper.js';
import { insertGpt } from '../../db/gpt.repository.js';
import { countGpts, withUserLock } from '../../db/quota.repository.js';
import { removeOrphanedBlobs } from '../../files/blob-deletion.js';
import { ensureFileRoom } from '../../files/file-quota.js';
import { ensureRoom } from '../../quotas/quotas.js';
import { BUILT_IN_TEMPLATES, type BuiltInTemplate } from '../../templates/built-in.js';
import type { RegistryRoutes } from '../registry-routes.js';

/**
 * A template's knowledge file, stored and queued for ingestion like an upload (the file quota applies);
 * the blob goes again if its row cannot be written.
 */
async function addKnowledge(
  app: Pick<FastifyInstance, 'db' | 'quotas' | 'storage' | 'enqueueIngest'>,
  log: FastifyBaseLogger,
  file: { userId: string; gptId: string; name: string; text: string },
) {
  const bytes = Buffer.from(file.text, 'utf8');
  const fileId = randomUUID();
  const key = originalKey(file.userId, file.gptId, fileId);
  const mime = KNOWLEDGE_TYPES.md.mime;
  await ensureFileRoom(app.db, app.quotas, { userId: file.userId, gptId: file.gptId, size: bytes.length });
  await app.storage.put(key, bytes, bytes.length, mime);
  try {
    await withUserLock(app.db, file.userId, async (trx) => {
      await ensureFileRoom(trx, app.quotas, { userId: file.userId, gptId: file.gptId, size: bytes.length });
      await insertFile(trx, {
        id: fileId,
        gptId: file.gptId,
        filename: `${fileId}.md`,
        originalName: file.name,
        mimeType: mime,
        size: bytes.length,
        storageKey: key,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    });
  } catch (error) {
    await removeOrphanedBlobs(app.db, app.storage, log, filePrefix(file.userId, file.gptId, fileId)).catch(
      () => {},
    );
    throw error;
  }
  await app.enqueueIngest(fileId);
}

const toTemplate = (template: BuiltInTemplate) => ({
  key: template.key,
  name: template.name,
  description: template.description,
  category: template.category,
  conversationStarters: template.conversationStarters,
  actionCount: template.actions?.length ?? 0,
});

/** The built-in templates, offered to new users; copying one makes an ordinary GPT of the caller's. */
export const templateRoutes: RegistryRoutes = async (app) => {
  const key = app.actionKey;
  app.addHook('preHandler', app.authenticate);

  app.get(
    '/api/templates',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'The built-in templates: writing, coding, research with knowledge, an API-action example',
        ...CATALOGUE_ROUTES.templates.schema,
      },
    },
    async () => ({ items: BUILT_IN_TEMPLATES.map(toTemplate) }),
  );

  app.post(
    '/api/templates/:key/copy',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Create a GPT of the caller from a built-in template (with its actions and knowledge)',
        ...CATALOGUE_ROUTES.copyTemplate.schema,
      },
    },
    async (request, reply) => {
      const template = BUILT_IN_TEMPLATES.find((candidate) => candidate.key === request.params.key);
      if (!template) throw notFound('Template');
      const model = app.models.resolve(template.model) ?? app.models.models[0]!;
      const userId = callerOf(request).userId;
      const row = await withUserLock(app.db, userId, async (trx) => {
        ensureRoom('gpts', app.quotas.gpts, await countGpts(trx, userId));
        const gpt = await insertGpt(trx, userId, {
          name: template.name,
          description: template.description,
          instructions: template.instructions,
          conversationStarters: template.conversationStarters,
          capabilities: { ...NO_CAPABILITIES, ...template.capabilities },
          modelId: model.id,
          avatar: generateAvatar(template.name),
          isActive: true,
        });
        await insertActions(trx, gpt.id, (template.actions ?? []).map(checkActionFields), key);
        return gpt;
      });
      for (const file of template.knowledge ?? []) {
        await addKnowledge(app, request.log, {
          userId,
          gptId: row.id,
          ...file,
        });
      }
      request.log.info({ gptId: row.id, template: template.key }, 'gpt created from a template');
      return reply.code(201).send(toGpt(row));
    },
  );
};
