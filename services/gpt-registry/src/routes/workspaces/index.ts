import { WORKSPACE_ROUTES } from '@chatty/contracts';
import {
  badRequest,
  callerOf,
  forbidden,
  newestFirstCursor,
  newestFirstPosition,
  notFound,
} from '@chatty/shared';
import { countOwnedWorkspaces, withUserLock } from '../../db/quota.repository.js';
import type { WorkspaceRole } from '../../db/schema.js';
import { toWorkspace } from '../../db/workspace.mapper.js';
import {
  changeMemberRole,
  createWorkspace,
  deleteWorkspace,
  findMemberRole,
  listMembers,
  listWorkspaces,
  removeMember,
} from '../../db/workspace.repository.js';
import { ensureRoom } from '../../quotas/quotas.js';
import { nameOf } from '../../text/single-line.js';
import type { RegistryRoutes } from '../registry-routes.js';
import { invitationRoutes } from './invitations.route.js';
import { requireMembership } from './membership.js';

export const workspaceRoutes: RegistryRoutes = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.get(
    '/api/workspaces',
    {
      schema: {
        tags: ['workspaces'],
        summary: "The caller's workspaces with their role in each, the personal one first",
        ...WORKSPACE_ROUTES.list.schema,
      },
    },
    async (request) => ({ items: (await listWorkspaces(app.db, callerOf(request).userId)).map(toWorkspace) }),
  );

  app.post(
    '/api/workspaces',
    {
      schema: {
        tags: ['workspaces'],
        summary:
          'Create a team workspace; the caller is its owner (409 QUOTA_EXCEEDED past QUOTA_WORKSPACES)',
        ...WORKSPACE_ROUTES.create.schema,
      },
    },
    async (request, reply) => {
      const name = nameOf(request.body.name);
      const userId = callerOf(request).userId;
      const row = await withUserLock(app.db, userId, async (trx) => {
        ensureRoom('workspaces', app.quotas.workspaces, await countOwnedWorkspaces(trx, userId));
        return createWorkspace(trx, userId, name);
      });
      request.log.info({ workspaceId: row.id }, 'workspace created');
      return reply.code(201).send(toWorkspace(row));
    },
  );

  app.get(
    '/api/workspaces/:id',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'One workspace of the caller',
        ...WORKSPACE_ROUTES.get.schema,
      },
    },
    async (request) =>
      toWorkspace(await requireMembership(app.db, callerOf(request).userId, request.params.id, 'member')),
  );

  app.delete(
    '/api/workspaces/:id',
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Delete a team workspace (its owner only; a personal workspace stays)',
        ...WORKSPACE_ROUTES.delete.schema,
      },
    },
    async (request, reply) => {
      const workspace = await requireMembership(
        app.db,
        callerOf(request).userId,
        request.params.id,
        'member',
      );
      if (workspace.role !== 'owner') throw forbidden('NOT_ALLOWED', 'Only the owner may delete a workspace');
      if (workspace.personal_user_id)
        throw badRequest('PERSONAL_WORKSPACE', 'A personal workspace cannot be deleted');
      await deleteWorkspace(app.db, workspace.id);
      request.log.info({ workspaceId: workspace.id }, 'workspace deleted');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/workspaces/:id/members',
    {
      schema: {
        tags: ['workspaces'],
        summary:
          'The members of a workspace of the caller, in the order they joined; limit and cursor page through them',
        ...WORKSPACE_ROUTES.members.schema,
      },
    },
    async (request) => {
      await requireMembership(app.db, callerOf(request).userId, request.params.id, 'member');
      const { limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : newestFirstPosition(cursor);
      const page = await listMembers(app.db, request.params.id, { limit, after });
      const items = page.rows.map((row) => ({
        userId: row.id,
        email: row.email,
        name: row.name,
        role: row.role,
        joinedAt: row.created_at.toISOString(),
      }));
      return page.next ? { items, nextCursor: newestFirstCursor(page.next) } : { items };
    },
  );

  app.delete(
    '/api/workspaces/:id/members/:userId',
    {
      schema: {
        tags: ['workspaces'],
        summary:
          'Remove a member (owners and admins; an admin removes members only; the owner stays) or leave (oneself). Their access through the workspace ends at once',
        ...WORKSPACE_ROUTES.removeMember.schema,
      },
    },
    async (request, reply) => {
      const callerId = callerOf(request).userId;
      const { id, userId } = request.params;
      const workspace = await requireMembership(app.db, callerId, id, 'member');
      const targetRole = await findMemberRole(app.db, id, userId);
      if (!targetRole) throw notFound('Member');
      if (targetRole === 'owner')
        throw badRequest('OWNER_STAYS', 'The owner of a workspace cannot be removed');
      if (userId !== callerId && !mayRemove(workspace.role, targetRole)) {
        throw forbidden('NOT_ALLOWED', 'Only owners, and admins for members, may remove someone');
      }
      await removeMember(app.db, id, userId);
      request.log.info({ workspaceId: id, memberId: userId }, 'workspace member removed');
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/workspaces/:id/members/:userId',
    {
      schema: {
        tags: ['workspaces'],
        summary: "Change a member's role to admin or member (the owner only; the owner's own role stays)",
        ...WORKSPACE_ROUTES.setMemberRole.schema,
      },
    },
    async (request, reply) => {
      const { id, userId } = request.params;
      const workspace = await requireMembership(app.db, callerOf(request).userId, id, 'member');
      if (workspace.role !== 'owner')
        throw forbidden('NOT_ALLOWED', "Only the owner may change members' roles");
      const targetRole = await findMemberRole(app.db, id, userId);
      if (!targetRole) throw notFound('Member');
      if (targetRole === 'owner') throw badRequest('OWNER_STAYS', 'The owner of a workspace stays its owner');
      await changeMemberRole(app.db, id, userId, request.body.role);
      request.log.info(
        { workspaceId: id, memberId: userId, role: request.body.role },
        'workspace role changed',
      );
      return reply.code(204).send(null);
    },
  );

  await app.register(invitationRoutes);
};

function mayRemove(callerRole: WorkspaceRole, targetRole: WorkspaceRole) {
  return callerRole === 'owner' || (callerRole === 'admin' && targetRole === 'member');
}
