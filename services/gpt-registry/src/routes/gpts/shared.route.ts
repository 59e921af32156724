import { GPT_ROUTES } from '@chatty/contracts';
import { callerOf, newestFirstCursor, newestFirstPosition } from '@chatty/shared';
import { toGpt } from '../../db/gpt.mapper.js';
import { listSharedWithUser } from '../../db/share.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';

export const sharedListRoute: RegistryRoutes = async (app) => {
  app.get(
    '/api/gpts/shared',
    {
      schema: {
        tags: ['sharing'],
        summary:
          'GPTs others shared with the caller or a workspace of theirs, with `access` (chat or edit), newest first, a page at a time',
        ...GPT_ROUTES.shared.schema,
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = await listSharedWithUser(app.db, callerOf(request).userId, {
        limit,
        ...(cursor !== undefined && { after: newestFirstPosition(cursor) }),
      });
      const items = page.rows.map(({ access, position_at: _, ...row }) => toGpt(row, access ?? 'chat'));
      return page.next ? { items, nextCursor: newestFirstCursor(page.next) } : { items };
    },
  );
};
