import { GPT_ROUTES } from '@chatty/contracts';
import { callerOf } from '@chatty/shared';
import { toGpt } from '../../db/gpt.mapper.js';
import { listSharedWithUser } from '../../db/share.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';

export const sharedListRoute: RegistryRoutes = async (app) => {
  app.get(
    '/api/gpts/shared',
    {
      schema: {
        tags: ['sharing'],
        summary: 'GPTs others shared with the caller or a workspace of theirs, with `access` (chat or edit)',
        ...GPT_ROUTES.shared.schema,
      },
    },
    async (request) => {
      const rows = await listSharedWithUser(app.db, callerOf(request).userId);
      return { items: rows.map(({ access, ...row }) => toGpt(row, access ?? 'chat')) };
    },
  );
};
