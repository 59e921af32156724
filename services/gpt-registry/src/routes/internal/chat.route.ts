import { REGISTRY_INTERNAL_ROUTES } from '@chatty/contracts';
import { notFound } from '@chatty/shared';
import { countConversation } from '../../db/catalogue.repository.js';
import { listChattableGpts } from '../../db/chattable-gpts.repository.js';
import { findGptWithAccess } from '../../db/gpt.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';

/**
 * What the inference-gateway reports and reads beside a turn: a new conversation, and the GPTs the
 * user may chat with.
 */
export const internalChatRoutes: RegistryRoutes = async (app) => {
  app.addHook('onRequest', app.checkServiceToken);

  app.post(
    '/internal/gpts/:id/conversations',
    {
      schema: {
        hide: true,
        ...REGISTRY_INTERNAL_ROUTES.countConversation.schema,
      },
    },
    async (request, reply) => {
      // The gateway reports each new chat session; the catalogue shows the count.
      if (!(await findGptWithAccess(app.db, request.body.userId, request.params.id))) throw notFound('GPT');
      await countConversation(app.db, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/internal/gpts',
    {
      schema: {
        hide: true,
        ...REGISTRY_INTERNAL_ROUTES.gpts.schema,
      },
    },
    async (request) => {
      const rows = await listChattableGpts(app.db, request.query.userId, request.query.id);
      return {
        items: rows.map((row) => ({
          id: row.id,
          name: row.name,
          description: row.description,
          modelId: row.model_id,
          createdAt: row.created_at.toISOString(),
          access: row.access,
        })),
      };
    },
  );
};
