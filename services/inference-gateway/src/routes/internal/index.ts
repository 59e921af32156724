import { GATEWAY_INTERNAL_ROUTES } from '@chatty/contracts';
import { deleteSessionsOfGpt } from '../../db/session.repository.js';
import type { GatewayRoutes } from '../gateway-routes.js';

/** For the registry: a deleted GPT's sessions (and their messages) go with it. */
export const internalRoutes: GatewayRoutes = async (app) => {
  app.addHook('onRequest', app.checkServiceToken);
  app.delete(
    '/internal/gpts/:id/sessions',
    {
      schema: {
        hide: true,
        ...GATEWAY_INTERNAL_ROUTES.deleteSessions.schema,
      },
    },
    async (request) => {
      // The GPT is being deleted: its answers in flight here stop now (other replicas hear the change).
      app.turnDeps.inFlight?.stop(request.params.id);
      return { deleted: await deleteSessionsOfGpt(app.chatDb, request.params.id) };
    },
  );
};
