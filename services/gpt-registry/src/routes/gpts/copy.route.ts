import { GPT_ROUTES } from '@chatty/contracts';
import { callerOf } from '@chatty/shared';
import { toGpt } from '../../db/gpt.mapper.js';
import { type GptFields, insertGpt } from '../../db/gpt.repository.js';
import type { Db } from '../../db/index.js';
import { countGpts, withUserLock } from '../../db/quota.repository.js';
import { ensureRoom } from '../../quotas/quotas.js';
import type { RegistryRoutes } from '../registry-routes.js';
import { gptNameOf, resolveModelId } from './gpt-input.js';
import { visibleGpt } from './visible-gpt.js';

/** A new GPT of the caller's from these fields, counted against their GPT quota. */
async function insertOwnGpt(app: { db: Db; quotas: { gpts: number } }, userId: string, fields: GptFields) {
  return withUserLock(app.db, userId, async (trx) => {
    ensureRoom('gpts', app.quotas.gpts, await countGpts(trx, userId));
    return insertGpt(trx, userId, fields);
  });
}

export const copyRoutes: RegistryRoutes = async (app) => {
  app.post(
    '/api/gpts/:id/copy',
    {
      // The body is optional: a copy without one keeps the name with " (copy)".
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ['catalogue'],
        summary:
          'Copy a GPT the caller can see into their own GPTs as a template: its configuration (the published version when seen through a catalogue), without knowledge files or actions',
        ...GPT_ROUTES.copy.schema,
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const source = await visibleGpt(app.db, userId, request.params.id);
      const row = await insertOwnGpt(app, userId, {
        name:
          request.body.name === undefined
            ? `${source.name.slice(0, 93)} (copy)`
            : gptNameOf(request.body.name),
        description: source.description,
        instructions: source.instructions,
        conversationStarters: source.conversationStarters,
        capabilities: source.capabilities,
        modelId: resolveModelId(app.models, source.modelId),
        avatar: source.avatar,
        isActive: source.isActive,
      });
      request.log.info({ gptId: row.id, from: source.id }, 'gpt copied');
      return reply.code(201).send(toGpt(row));
    },
  );
};
