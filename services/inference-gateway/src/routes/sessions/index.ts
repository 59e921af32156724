import { callerOf, errorResponses, IdParams, notFound } from '@chatty/shared';
import Type from 'typebox';
import {
  deleteSession,
  findSession,
  insertSession,
  listMessages,
  listSessions,
} from '../../db/session.repository.js';
import type { GatewayRoutes } from '../../gateway-app.js';
import { messageRoute } from './message.route.js';
import { Session, SessionIdParams, SessionWithMessages, toMessage, toSession } from './schemas.js';

export const sessionRoutes: GatewayRoutes = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.post(
    '/api/gpts/:id/sessions',
    {
      schema: {
        tags: ['chat'],
        summary: 'Starts a chat session with one of your GPTs',
        params: IdParams,
        response: { 201: Session, ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = callerOf(request);
      // The registry answers 404 for another user's GPT: that is the ownership check.
      await app.registryApi.runtime(request.params.id, userId, request.id);
      const row = await insertSession(app.chatDb, userId, request.params.id);
      return reply.code(201).send(toSession(row));
    },
  );

  app.get(
    '/api/gpts/:id/sessions',
    {
      schema: {
        tags: ['chat'],
        summary: 'Your sessions with a GPT, newest first',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(Session) }), ...errorResponses(400, 401, 404, 503) },
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
        params: SessionIdParams,
        response: { 200: SessionWithMessages, ...errorResponses(400, 401, 404) },
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
        params: SessionIdParams,
        response: { 204: Type.Null(), ...errorResponses(400, 401, 404) },
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
};
