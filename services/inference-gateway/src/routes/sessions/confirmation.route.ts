import type { Decision } from '@chatty/contracts';
import { CHAT_ROUTES } from '@chatty/contracts';
import { callerOf, conflict, notFound } from '@chatty/shared';
import { findSession } from '../../db/session.repository.js';
import type { GatewayRoutes } from '../gateway-routes.js';

/** The user's answer to a `confirm` event: run the call the model asked for, or not. */
export const confirmationRoute: GatewayRoutes = async (app) => {
  app.post(
    '/api/sessions/:sessionId/confirmations/:confirmationId',
    {
      schema: {
        tags: ['chat'],
        summary: 'Allow or refuse an action call that waits for your confirmation (an SSE `confirm` event)',
        description:
          '404 when there is no such call waiting in your session (unknown, someone else’s, or already ' +
          'over); 409 ALREADY_DECIDED when it was answered, or timed out, before.',
        ...CHAT_ROUTES.confirm.schema,
      },
    },
    async (request) => {
      const { userId } = callerOf(request);
      const { sessionId, confirmationId } = request.params;
      if (!(await findSession(app.chatDb, userId, sessionId))) throw notFound('Session');
      const decision: Decision = request.body.allow ? 'allow' : 'refuse';
      const outcome = await app.confirmations.decide(userId, sessionId, confirmationId, decision);
      if (outcome === 'unknown') throw notFound('Pending confirmation');
      if (outcome === 'already-decided') {
        throw conflict('ALREADY_DECIDED', 'This call was already allowed, refused or timed out');
      }
      request.log.info({ sessionId, confirmationId, decision }, 'action call decided');
      return { id: confirmationId, decision };
    },
  );
};
