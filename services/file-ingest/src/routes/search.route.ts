import { INGEST_INTERNAL_ROUTES } from '@chatty/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { searchKnowledge } from '../search.js';

/** `POST /internal/search` (docs/internal-contracts.md), for the inference gateway. */
export const searchRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/internal/search',
    {
      onRequest: app.checkServiceToken,
      schema: {
        hide: true,
        ...INGEST_INTERNAL_ROUTES.search.schema,
      },
    },
    async (request) => searchKnowledge(app.ingestDb, request.body, app.meaning),
  );
};
