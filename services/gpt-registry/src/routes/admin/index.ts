import { errorResponses, IdParams, notFound } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { requireAdmin } from '../../auth/require-admin.js';
import { findUserById } from '../../db/user.repository.js';
import type { RegistryRoutes } from '../../registry-app.js';

/** What an admin does to other accounts. */
export const adminRoutes: RegistryRoutes = async (app) => {
  app.addHook('preHandler', app.authenticate);
  app.addHook('preHandler', requireAdmin(app as unknown as FastifyInstance));

  app.delete(
    '/api/admin/users/:id/sessions',
    {
      schema: {
        tags: ['admin'],
        summary: 'End every session of a user (their API keys are not touched: revoke or disable for those)',
        params: IdParams,
        response: { 200: Type.Object({ endedSessions: Type.Integer() }), ...errorResponses(401, 403, 404) },
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
