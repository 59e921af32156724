import { CHAT_ROUTES } from '@chatty/contracts';
import { callerOf, chatKeysPlugin, notFound, quotaExceeded } from '@chatty/shared';
import { deleteSession, findSession, listMessages, listSessions } from '../../db/session.repository.js';
import {
  countSessions,
  insertSessionUnderQuota,
  SessionQuotaError,
} from '../../db/session-quota.repository.js';
import type { GatewayRoutes } from '../gateway-routes.js';
import { confirmationRoute } from './confirmation.route.js';
import { messageRoute } from './message.route.js';
import { toMessage, toSession } from './schemas.js';

export const sessionRoutes: GatewayRoutes = async (app) => {
  // QUOTA_SESSIONS: sessions one user may keep; the next one is refused with 409 QUOTA_EXCEEDED.
  const maxSessions = app.gatewayConfig.QUOTA_SESSIONS;
  await app.register(chatKeysPlugin);
  app.addHook('preHandler', app.authenticate);

  app.post(
    '/api/gpts/:id/sessions',
    {
      schema: {
        tags: ['chat'],
        summary:
          'Starts a chat session with one of your GPTs or one shared with you (409 QUOTA_EXCEEDED past QUOTA_SESSIONS)',
        ...CHAT_ROUTES.createSession.schema,
      },
    },
    async (request, reply) => {
      const { userId } = callerOf(request);
      // The registry answers 404 for a GPT the user may not chat with (that is the access check) and
      // for one being deleted; asked under the GPT's lock, so a delete cannot slip in between.
      const gptExists = async () => {
        await app.registryApi.runtime(request.params.id, userId, request.id);
      };
      const row = await insertSessionUnderQuota(
        app.chatDb,
        userId,
        request.params.id,
        maxSessions,
        gptExists,
      ).catch((error: unknown) => {
        throw error instanceof SessionQuotaError ? quotaExceeded(error.message) : error;
      });
      // Only a statistic: a registry that cannot count it now does not stop the chat.
      await app.registryApi
        .countConversation(request.params.id, userId, request.id)
        .catch((error: unknown) => {
          request.log.warn({ err: error, gptId: request.params.id }, 'conversation not counted');
        });
      return reply.code(201).send(toSession(row));
    },
  );

  app.get(
    '/api/sessions/usage',
    {
      schema: {
        tags: ['chat'],
        summary: 'Your chat sessions against QUOTA_SESSIONS',
        ...CHAT_ROUTES.sessionUsage.schema,
      },
    },
    async (request) => ({
      sessions: { used: await countSessions(app.chatDb, callerOf(request).userId), limit: maxSessions },
    }),
  );

  app.get(
    '/api/gpts/:id/sessions',
    {
      schema: {
        tags: ['chat'],
        summary: 'Your sessions with a GPT, newest first',
        ...CHAT_ROUTES.listSessions.schema,
      },
    },
    async (request) => {
      const { userId } = callerOf(request);
      await app.registryApi.runtime(request.params.id, userId, request.id);
      return { items: (await listSessions(app.chatDb, userId, request.params.id)).map(toSession) };
    },
  );

  app.get(
    '/api/sessions/:sessionId',
    {
      schema: {
        tags: ['chat'],
        summary: 'A session with its messages, oldest first',
        ...CHAT_ROUTES.getSession.schema,
      },
    },
    async (request) => {
      const session = await findSession(app.chatDb, callerOf(request).userId, request.params.sessionId);
      if (!session) throw notFound('Session');
      const messages = await listMessages(app.chatDb, session.id);
      return { ...toSession(session), messages: messages.map(toMessage) };
    },
  );

  app.delete(
    '/api/sessions/:sessionId',
    {
      schema: {
        tags: ['chat'],
        summary: 'Deletes a session and its messages',
        ...CHAT_ROUTES.deleteSession.schema,
      },
    },
    async (request, reply) => {
      if (!(await deleteSession(app.chatDb, callerOf(request).userId, request.params.sessionId))) {
        throw notFound('Session');
      }
      return reply.code(204).send(null);
    },
  );

  await app.register(messageRoute);
  await app.register(confirmationRoute);
};
