import { GATEWAY_INTERNAL_ROUTES } from '@chatty/contracts';
import { requireServiceToken } from '@chatty/shared';
import { deleteSessionsOfGpt } from '../../db/session.repository.js';
import type { GatewayRoutes } from '../../gateway-app.js';

/** For the registry: a deleted GPT's sessions (and their messages) go with it. */
export const internalRoutes: GatewayRoutes<{ token: string }> = async (app, { token }) => {
  app.addHook('onRequest', requireServiceToken(token));
  app.delete(
    '/internal/gpts/:id/sessions',
    {
      schema: {
        hide: true,
        ...GATEWAY_INTERNAL_ROUTES.deleteSessions.schema,
      },
    },
    async (request) => ({ deleted: await deleteSessionsOfGpt(app.chatDb, request.params.id) }),
  );
};
