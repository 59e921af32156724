import { ADMIN_ROUTES } from '@chatty/contracts';
import { callerOf, conflict, newestFirstCursor, newestFirstPosition, notFound } from '@chatty/shared';
import { toAdminUser } from '../../db/user.mapper.js';
import {
  EmailTakenError,
  findUserById,
  insertUser,
  listUsers,
  setPasswordHash,
  updateUserAccess,
} from '../../db/user.repository.js';
import { nameOf } from '../../text/single-line.js';
import { hashPassword } from '../auth/password.js';
import type { RegistryRoutes } from '../registry-routes.js';
import { actionRunAuditRoutes } from './action-runs.route.js';
import { accountInvitationRoutes } from './invitations.route.js';

/**
 * What an admin does to accounts: list, create or invite (sign-up closed or not), promote, disable,
 * reset a password, end sessions. An admin cannot disable or demote themselves, so a server always
 * keeps one.
 */
export const adminRoutes: RegistryRoutes = async (app) => {
  app.addHook('preHandler', app.authenticate);
  app.addHook('preHandler', app.requireAdmin);
  await app.register(accountInvitationRoutes);
  await app.register(actionRunAuditRoutes);

  app.get(
    '/api/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'The accounts, newest first, a page at a time; q finds them by part of the email or name',
        ...ADMIN_ROUTES.listUsers.schema,
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const q = request.query.q?.trim();
      const page = await listUsers(app.db, {
        limit,
        ...(cursor !== undefined && { after: newestFirstPosition(cursor) }),
        ...(q && { q }),
      });
      const items = page.rows.map(toAdminUser);
      return page.next ? { items, nextCursor: newestFirstCursor(page.next) } : { items };
    },
  );

  app.post(
    '/api/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create an account with a first password (works with ALLOW_SIGNUP=false)',
        ...ADMIN_ROUTES.createUser.schema,
      },
    },
    async (request, reply) => {
      const { email, password, role } = request.body;
      const name = request.body.name === undefined ? null : nameOf(request.body.name);
      try {
        const row = await insertUser(app.db, {
          email,
          name,
          passwordHash: await hashPassword(password),
          role: role ?? 'user',
        });
        request.log.info({ userId: row.id, role: row.role }, 'admin created user');
        return reply.code(201).send(toAdminUser(row));
      } catch (error) {
        if (error instanceof EmailTakenError)
          throw conflict('EMAIL_TAKEN', 'An account with this email exists');
        throw error;
      }
    },
  );

  app.patch(
    '/api/admin/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary: "Change a user's role, or disable (sessions end, keys stop) and enable the account",
        ...ADMIN_ROUTES.updateUser.schema,
      },
    },
    async (request) => {
      const { id } = request.params;
      const { role, disabled } = request.body;
      if (id === callerOf(request).userId && (disabled === true || role === 'user')) {
        throw conflict('SELF_LOCKOUT', 'You cannot disable or demote yourself; ask another admin');
      }
      const row = await updateUserAccess(app.db, id, {
        ...(role && { role }),
        ...(disabled !== undefined && { disabled }),
      });
      if (!row) throw notFound('User');
      if (disabled) await app.sessionRecord.endAll(row.id);
      request.log.info(
        { userId: row.id, role: row.role, disabled: Boolean(row.disabled_at) },
        'admin changed user',
      );
      return toAdminUser(row);
    },
  );

  app.post(
    '/api/admin/users/:id/password',
    {
      schema: {
        tags: ['admin'],
        summary: 'Set a new password for a user; every session of theirs ends',
        ...ADMIN_ROUTES.resetPassword.schema,
      },
    },
    async (request) => {
      const user = await findUserById(app.db, request.params.id);
      if (!user) throw notFound('User');
      const passwordHash = await hashPassword(request.body.password);
      const endedSessions = await app.sessionRecord.endAll(user.id);
      await setPasswordHash(app.db, user.id, passwordHash);
      request.log.info({ userId: user.id, endedSessions }, 'admin reset password');
      return { endedSessions };
    },
  );

  app.delete(
    '/api/admin/users/:id/sessions',
    {
      schema: {
        tags: ['admin'],
        summary: 'End every session of a user (their API keys are not touched: revoke or disable for those)',
        ...ADMIN_ROUTES.endSessions.schema,
      },
    },
    async (request) => {
      const user = await findUserById(app.db, request.params.id);
      if (!user) throw notFound('User');
      const endedSessions = await app.sessionRecord.endAll(user.id);
      request.log.info({ userId: user.id, endedSessions }, 'admin ended sessions');
      return { endedSessions };
    },
  );
};
