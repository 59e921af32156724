import { GPT_ROUTES } from '@chatty/contracts';
import { callerOf, invalidCursor, notFound } from '@chatty/shared';
import { requireGpt } from '../../access/gpt-access.js';
import { findGptVersion, listGptVersions } from '../../db/gpt-version.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';

/** A GPT's history: a light list to page through, and each version's whole snapshot on its own. */
export const versionRoutes: RegistryRoutes = async (app) => {
  app.get(
    '/api/gpts/:id/versions',
    {
      schema: {
        tags: ['gpts'],
        summary: 'The versions of a GPT, newest (the current one) first, a page at a time',
        ...GPT_ROUTES.versions.schema,
      },
    },
    async (request) => {
      const { gpt } = await requireGpt(app.db, callerOf(request).userId, request.params.id, 'edit');
      const { limit, cursor } = request.query;
      const page = await listGptVersions(app.db, gpt.id, {
        limit,
        ...(cursor !== undefined && { before: versionOf(cursor) }),
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
        ...GPT_ROUTES.version.schema,
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

/**
 * The version a nextCursor of the list names (its number: the list is keyed by it, so one that no
 * longer exists still says where to go on); anything else is 400 INVALID_CURSOR.
 */
function versionOf(cursor: string): number {
  // Versions are integers: past the largest the database would answer 500.
  if (!/^[1-9][0-9]{0,9}$/.test(cursor) || Number(cursor) > 2_147_483_647) throw invalidCursor();
  return Number(cursor);
}
