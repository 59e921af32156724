import { WORKSPACE_ROUTES } from '@chatty/contracts';
import { AppError, badRequest, callerOf, forbidden, notFound } from '@chatty/shared';
import { findUserById } from '../../db/user.repository.js';
import { toWorkspace, toWorkspaceInvitation } from '../../db/workspace.mapper.js';
import {
  acceptInvitation,
  countPendingInvitationsLocked,
  createInvitation,
  deleteInvitation,
  findInvitation,
  findMembership,
  listPendingInvitations,
} from '../../db/workspace.repository.js';
import { ensureRoom } from '../../quotas/quotas.js';
import type { RegistryRoutes } from '../registry-routes.js';
import { requireMembership } from './membership.js';

/**
 * Invitations "by email" without a mail server: the inviter gets a link with an expiry, bound to the
 * invited address, to pass on; accepting it needs an account signed in with that address.
 */
export const invitationRoutes: RegistryRoutes = async (app) => {
  app.post(
    '/api/workspaces/:id/invitations',
    {
      schema: {
        tags: ['workspaces'],
        summary:
          'Invite someone by email (owners and admins): returns the invitation link, shown only here (409 QUOTA_EXCEEDED past QUOTA_PENDING_INVITATIONS)',
        ...WORKSPACE_ROUTES.invite.schema,
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const workspace = await requireMembership(app.db, userId, request.params.id, 'admin');
      if (workspace.personal_user_id) {
        throw badRequest(
          'PERSONAL_WORKSPACE',
          'No one can be invited to a personal workspace; create a team one',
        );
      }
      const role = request.body.role ?? 'member';
      if (role === 'admin' && workspace.role !== 'owner') {
        throw forbidden('NOT_ALLOWED', 'Only the owner may invite admins');
      }
      const { row, token } = await app.db.transaction().execute(async (trx) => {
        const pending = await countPendingInvitationsLocked(trx, workspace.id);
        ensureRoom('pendingInvitations', app.quotas.pendingInvitations, pending);
        return createInvitation(trx, {
          workspaceId: workspace.id,
          email: request.body.email.trim(),
          role,
          invitedBy: userId,
          ttlHours: request.body.expiresInHours ?? 72,
        });
      });
      request.log.info({ workspaceId: workspace.id, invitationId: row.id }, 'invitation created');
      return reply.code(201).send({ ...toWorkspaceInvitation(row), token, url: `/#/invitations/${token}` });
    },
  );

  app.get(
    '/api/workspaces/:id/invitations',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'The invitations not yet accepted (owners and admins)',
        ...WORKSPACE_ROUTES.invitations.schema,
      },
    },
    async (request) => {
      await requireMembership(app.db, callerOf(request).userId, request.params.id, 'admin');
      return { items: (await listPendingInvitations(app.db, request.params.id)).map(toWorkspaceInvitation) };
    },
  );

  app.delete(
    '/api/workspaces/:id/invitations/:invitationId',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Revoke an invitation not yet accepted (owners and admins)',
        ...WORKSPACE_ROUTES.revokeInvitation.schema,
      },
    },
    async (request, reply) => {
      await requireMembership(app.db, callerOf(request).userId, request.params.id, 'admin');
      if (!(await deleteInvitation(app.db, request.params.id, request.params.invitationId))) {
        throw notFound('Invitation');
      }
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/invitations/:token',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'What an invitation link offers: the workspace, the invited email, the role, the expiry',
        ...WORKSPACE_ROUTES.invitation.schema,
      },
    },
    async (request) => {
      const invitation = await findInvitation(app.db, request.params.token);
      if (!invitation) throw notFound('Invitation');
      return {
        workspaceName: invitation.workspace_name,
        email: invitation.email,
        role: invitation.role,
        expiresAt: invitation.expires_at.toISOString(),
        expired: invitation.expired,
        accepted: invitation.accepted_at !== null,
      };
    },
  );

  app.post(
    '/api/invitations/:token/accept',
    {
      schema: {
        tags: ['workspaces'],
        summary:
          'Join the workspace: the caller must be signed in with the invited email; a link works once, before it expires, while its inviter may still invite',
        ...WORKSPACE_ROUTES.accept.schema,
      },
    },
    async (request) => {
      const userId = callerOf(request).userId;
      const invitation = await findInvitation(app.db, request.params.token);
      if (!invitation) throw notFound('Invitation');
      const user = await findUserById(app.db, userId);
      if (user?.email.toLowerCase() !== invitation.email) {
        throw forbidden(
          'INVITATION_FOR_ANOTHER_EMAIL',
          `This invitation is for ${invitation.email}; sign in with it`,
        );
      }
      if (invitation.accepted_at)
        throw new AppError(409, 'INVITATION_USED', 'This invitation was already used');
      if (invitation.expired) {
        throw new AppError(409, 'INVITATION_EXPIRED', 'This invitation has expired; ask for a new one');
      }
      if (!(await acceptInvitation(app.db, invitation.id, userId))) {
        // Used, expired or revoked meanwhile: answer as for the invitation as it is now.
        const now = await findInvitation(app.db, request.params.token);
        if (!now) throw notFound('Invitation');
        if (now.accepted_at) throw new AppError(409, 'INVITATION_USED', 'This invitation was already used');
        throw new AppError(409, 'INVITATION_EXPIRED', 'This invitation has expired; ask for a new one');
      }
      request.log.info({ workspaceId: invitation.workspace_id }, 'invitation accepted');
      return toWorkspace((await findMembership(app.db, userId, invitation.workspace_id))!);
    },
  );
};
