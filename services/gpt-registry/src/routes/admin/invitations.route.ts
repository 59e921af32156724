import { ADMIN_ROUTES } from '@chatty/contracts';
import { callerOf, conflict, notFound } from '@chatty/shared';
import { toAccountInvitation } from '../../db/account-invitation.mapper.js';
import {
  createAccountInvitation,
  InvitationEmailTakenError,
  listPendingAccountInvitations,
  revokeAccountInvitation,
} from '../../db/account-invitation.repository.js';
import { nameOf } from '../../text/single-line.js';
import type { RegistryRoutes } from '../registry-routes.js';

/** The UI page where an invited person sets their password (a hash route: the token stays client-side). */
const joinLink = (token: string) => `/#/join/${token}`;

/**
 * Invitations to make an account, for admins (registered inside the admin routes, behind their
 * checks): with sign-up closed, this is how a person gets in choosing their own password. There is no
 * mail server: the admin gets the link, once, and passes it on.
 */
export const accountInvitationRoutes: RegistryRoutes = async (app) => {
  app.post(
    '/api/admin/invitations',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Invite a person by email: returns the one-time link to pass on, shown only here (works with ALLOW_SIGNUP=false)',
        ...ADMIN_ROUTES.invite.schema,
      },
    },
    async (request, reply) => {
      const { email, role, expiresInHours } = request.body;
      const name = request.body.name === undefined ? null : nameOf(request.body.name);
      try {
        const { row, token } = await createAccountInvitation(app.db, {
          email,
          name,
          role: role ?? 'user',
          invitedBy: callerOf(request).userId,
          ttlHours: expiresInHours ?? 72,
        });
        request.log.info({ invitationId: row.id, role: row.role }, 'admin invited a user');
        return reply.code(201).send({ ...toAccountInvitation(row), token, url: joinLink(token) });
      } catch (error) {
        if (error instanceof InvitationEmailTakenError) {
          throw conflict('EMAIL_TAKEN', 'An account with this email exists');
        }
        throw error;
      }
    },
  );

  app.get(
    '/api/admin/invitations',
    {
      schema: {
        tags: ['admin'],
        summary: 'The invitations not yet used or revoked (expired ones marked)',
        ...ADMIN_ROUTES.invitations.schema,
      },
    },
    async () => ({ items: (await listPendingAccountInvitations(app.db)).map(toAccountInvitation) }),
  );

  app.delete(
    '/api/admin/invitations/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Revoke an invitation: its link stops working at once',
        ...ADMIN_ROUTES.revokeInvitation.schema,
      },
    },
    async (request, reply) => {
      if (!(await revokeAccountInvitation(app.db, request.params.id))) throw notFound('Invitation');
      request.log.info({ invitationId: request.params.id }, 'admin revoked an invitation');
      return reply.code(204).send(null);
    },
  );
};
