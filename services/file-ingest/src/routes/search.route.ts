import { INGEST_INTERNAL_ROUTES } from '@chatty/contracts';
import { requireServiceToken } from '@chatty/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../db/schema.js';
import type { MeaningSearch } from '../fused-search.js';
import { searchKnowledge } from '../search.js';

/** `POST /internal/search` (docs/internal-contracts.md), for the inference gateway. */
export const searchRoute: FastifyPluginAsyncTypebox<{
  db: Db;
  token: string;
  meaning?: MeaningSearch | undefined;
}> = async (app, { db, token, meaning }) => {
  app.post(
    '/internal/search',
    {
      onRequest: requireServiceToken(token),
      schema: {
        hide: true,
        ...INGEST_INTERNAL_ROUTES.search.schema,
      },
    },
    async (request) => searchKnowledge(db, request.body, meaning),
  );
};
