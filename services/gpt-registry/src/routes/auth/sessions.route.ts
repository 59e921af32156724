import { AUTH_ROUTES } from '@chatty/contracts';
import { badRequest, callerOf, forbidden, notFound, unauthorized } from '@chatty/shared';
import type { FastifyRequest } from 'fastify';
import { findUserById, setPasswordHash } from '../../db/user.repository.js';
import { listLiveSessions } from '../../db/user-session.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';
import { hashPassword, verifyPassword } from './password.js';

/** The caller's session, for routes that only make sense signed in (not with an API key). */
function sessionOf(request: FastifyRequest) {
  const caller = callerOf(request);
  if (caller.via !== 'session' || !caller.sessionId) {
    throw forbidden('SESSION_REQUIRED', 'Sign in with your password for this; an API key cannot do it');
  }
  return { userId: caller.userId, sessionId: caller.sessionId };
}

/** Sign-out, the caller's sessions, and the password change that ends the others. */
export const sessionRoutes: RegistryRoutes = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: the session token stops working on every service at once',
        ...AUTH_ROUTES.logout.schema,
      },
    },
    async (request, reply) => {
      const { userId, sessionId } = sessionOf(request);
      await app.sessionRecord.end(userId, [sessionId]);
      request.log.info({ userId, sessionId }, 'signed out');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/sessions',
    {
      schema: {
        tags: ['auth'],
        summary: "The caller's live sessions (where the account is signed in)",
        ...AUTH_ROUTES.sessions.schema,
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const rows = await listLiveSessions(app.db, caller.userId);
      return {
        items: rows.map((row) => ({
          id: row.id,
          createdAt: row.created_at.toISOString(),
          expiresAt: row.expires_at.toISOString(),
          userAgent: row.user_agent,
          current: row.id === caller.sessionId,
        })),
      };
    },
  );

  app.delete(
    '/api/auth/sessions/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'End one of your sessions (another device, say)',
        ...AUTH_ROUTES.endSession.schema,
      },
    },
    async (request, reply) => {
      const { userId } = callerOf(request);
      if ((await app.sessionRecord.end(userId, [request.params.id])) === 0) throw notFound('Session');
      request.log.info({ userId, sessionId: request.params.id }, 'session ended');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your password; every other session of the account ends',
        ...AUTH_ROUTES.changePassword.schema,
      },
    },
    async (request) => {
      const { userId, sessionId } = sessionOf(request);
      const user = await findUserById(app.db, userId);
      if (!user) throw unauthorized('The account no longer exists');
      if (!(await verifyPassword(user.password_hash, request.body.currentPassword))) {
        throw badRequest('WRONG_PASSWORD', 'The current password is not right');
      }
      const passwordHash = await hashPassword(request.body.newPassword);
      // The other sessions end first: if that fails the password is unchanged and a retry is the same.
      const endedSessions = await app.sessionRecord.endAll(userId, sessionId);
      await setPasswordHash(app.db, userId, passwordHash);
      request.log.info({ userId, endedSessions }, 'password changed');
      return { endedSessions };
    },
  );
};
