import { errorResponses, requireServiceToken, SearchBody, SearchResult } from '@chatty/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../db/schema.js';
import { searchKnowledge } from '../search.js';

/** `POST /internal/search` (docs/internal-contracts.md), for the inference gateway. */
export const searchRoute: FastifyPluginAsyncTypebox<{ db: Db; token: string }> = async (
  app,
  { db, token },
) => {
  app.post(
    '/internal/search',
    {
      onRequest: requireServiceToken(token),
      schema: {
        hide: true,
        body: SearchBody,
        response: { 200: SearchResult, ...errorResponses(400, 404) },
      },
    },
    async (request) => searchKnowledge(db, request.body),
  );
};
