import { errorResponses, GptVersion, GptVersionList, Uuid } from '@chatty/contracts';
import { callerOf, notFound } from '@chatty/shared';
import Type from 'typebox';
import { requireGpt } from '../../access/gpt-access.js';
import { findGptVersion, listGptVersions } from '../../db/gpt-version.repository.js';
import type { RegistryRoutes } from '../../registry-app.js';

const VersionsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(
    Type.String({ pattern: '^[1-9][0-9]{0,9}$', description: 'nextCursor of the previous page' }),
  ),
});

const VersionParams = Type.Object({
  id: Uuid,
  version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
});

/** A GPT's history: a light list to page through, and each version's whole snapshot on its own. */
export const versionRoutes: RegistryRoutes = async (app) => {
  app.get(
    '/api/gpts/:id/versions',
    {
      schema: {
        tags: ['gpts'],
        summary: 'The versions of a GPT, newest (the current one) first, a page at a time',
        params: Type.Object({ id: Uuid }),
        querystring: VersionsQuery,
        response: { 200: GptVersionList, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { gpt } = await requireGpt(app.db, callerOf(request).userId, request.params.id, 'edit');
      const { limit, cursor } = request.query;
      const page = await listGptVersions(app.db, gpt.id, {
        limit,
        ...(cursor && { before: Number(cursor) }),
      });
      const items = page.rows.map((row) => ({
        version: row.version,
        createdAt: row.created_at.toISOString(),
        name: row.name,
        description: row.description,
        modelId: row.model_id,
        author: row.author_id ? { id: row.author_id, name: row.author_name, email: row.author_email! } : null,
      }));
      return page.hasMore ? { items, nextCursor: String(items.at(-1)!.version) } : { items };
    },
  );

  app.get(
    '/api/gpts/:id/versions/:version',
    {
      schema: {
        tags: ['gpts'],
        summary: 'One version of a GPT: the whole configuration as it was, avatar included',
        params: VersionParams,
        response: { 200: GptVersion, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { gpt } = await requireGpt(app.db, callerOf(request).userId, request.params.id, 'edit');
      const version = await findGptVersion(app.db, gpt.id, request.params.version);
      if (!version) throw notFound('Version');
      return version;
    },
  );
};
