import { errorResponses, IdParams } from '@chatty/contracts';
import { callerOf, notFound } from '@chatty/shared';
import Type from 'typebox';
import { findGptContext, saveGptContext } from '../../db/gpt-context.repository.js';
import type { RegistryRoutes } from '../../registry-app.js';

/** What a GPT remembers across sessions for its user; the chat puts it into every prompt. */
const GptContextBody = Type.Object(
  { context: Type.String({ maxLength: 20_000 }) },
  { additionalProperties: false },
);

export const gptContextRoutes: RegistryRoutes = async (app) => {
  app.get(
    '/api/gpts/:id/context',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['gpts'],
        summary: "The GPT's persistent context for the caller ('' when none is set)",
        params: IdParams,
        response: { 200: GptContextBody, ...errorResponses(400, 401, 404) },
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
        params: IdParams,
        body: GptContextBody,
        response: { 200: GptContextBody, ...errorResponses(400, 401, 404) },
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
