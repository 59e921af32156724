import { CHAT_ROUTES } from '@chatty/contracts';
import {
  callerOf,
  chatKeysPlugin,
  invalidCursor,
  newestFirstCursor,
  newestFirstPosition,
  notFound,
  quotaExceeded,
} from '@chatty/shared';
import { deleteSession, findSession } from '../../db/session.repository.js';
import { listMessagePage, listSessionPage } from '../../db/session-pages.js';
import {
  countSessions,
  insertSessionUnderQuota,
  SessionQuotaError,
} from '../../db/session-quota.repository.js';
import type { GatewayRoutes } from '../gateway-routes.js';
import { confirmationRoute } from './confirmation.route.js';
import { messageRoute } from './message.route.js';
import { toMessage, toSession } from './schemas.js';
import { messagesBefore, messagesCursor } from './session-cursors.js';

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
        summary: 'Your sessions with a GPT, newest first, a page at a time (?limit=&cursor=)',
        ...CHAT_ROUTES.listSessions.schema,
      },
    },
    async (request) => {
      const { userId } = callerOf(request);
      // Access first: another user's GPT is 404 whatever the cursor.
      await app.registryApi.runtime(request.params.id, userId, request.id);
      const { limit, cursor } = request.query;
      const page = await listSessionPage(app.chatDb, userId, request.params.id, {
        limit,
        after: cursor === undefined ? undefined : newestFirstPosition(cursor),
      });
      const items = page.rows.map(toSession);
      return page.next ? { items, nextCursor: newestFirstCursor(page.next) } : { items };
    },
  );

  app.get(
    '/api/sessions/:sessionId',
    {
      schema: {
        tags: ['chat'],
        summary:
          'A session with its newest messages (or those before ?before=), oldest first; olderCursor when older ones exist',
        ...CHAT_ROUTES.getSession.schema,
      },
    },
    async (request) => {
      // Ownership first: another user's session is 404 whatever the cursor.
      const session = await findSession(app.chatDb, callerOf(request).userId, request.params.sessionId);
      if (!session) throw notFound('Session');
      const { limit, before } = request.query;
      const page = await listMessagePage(app.chatDb, session.id, {
        limit,
        before: before === undefined ? undefined : messagesBefore(before),
      });
      // A message of another session, or of none: not a cursor this session's pages gave.
      if (!page) throw invalidCursor();
      const answer = { ...toSession(session), messages: page.rows.map(toMessage) };
      return page.older ? { ...answer, olderCursor: messagesCursor(page.older) } : answer;
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
