import { GPT_ROUTES } from '@chatty/contracts';
import { callerOf, notFound } from '@chatty/shared';
import { findGptContext, saveGptContext } from '../../db/gpt-context.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';

export const gptContextRoutes: RegistryRoutes = async (app) => {
  app.get(
    '/api/gpts/:id/context',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['gpts'],
        summary: "The GPT's persistent context for the caller ('' when none is set)",
        ...GPT_ROUTES.getContext.schema,
      },
    },
    async (request) => {
      const context = await findGptContext(app.db, callerOf(request).userId, request.params.id);
      if (context === undefined) throw notFound('GPT');
      return { context };
    },
  );

  app.put(
    '/api/gpts/:id/context',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['gpts'],
        summary: "Replaces the GPT's persistent context for the caller",
        ...GPT_ROUTES.setContext.schema,
      },
    },
    async (request) => {
      const { context } = request.body;
      const saved = await saveGptContext(app.db, callerOf(request).userId, request.params.id, context);
      if (!saved) throw notFound('GPT');
      return { context };
    },
  );
};
