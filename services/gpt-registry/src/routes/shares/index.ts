import { SHARE_ROUTES } from '@chatty/contracts';
import { badRequest, callerOf, notFound } from '@chatty/shared';
import { requireGpt } from '../../access/gpt-access.js';
import { deleteShare, findColleagueByEmail, listShares, upsertShare } from '../../db/share.repository.js';
import { findMembership } from '../../db/workspace.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';

/** Who else may use a GPT: a workspace of the owner's or a named colleague, as "can chat" or "can edit". */
export const shareRoutes: RegistryRoutes = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.get(
    '/api/gpts/:id/shares',
    {
      schema: {
        tags: ['sharing'],
        summary: 'Whom the GPT is shared with (its owner only)',
        ...SHARE_ROUTES.list.schema,
      },
    },
    async (request) => {
      await requireGpt(app.db, callerOf(request).userId, request.params.id, 'owner');
      const rows = await listShares(app.db, request.params.id);
      return {
        items: rows.map((row) => ({
          id: row.id,
          permission: row.permission,
          createdAt: row.created_at.toISOString(),
          workspace: row.workspace_id ? { id: row.workspace_id, name: row.workspace_name! } : null,
          user: row.user_id ? { id: row.user_id, email: row.user_email!, name: row.user_name } : null,
          inForce: row.in_force,
        })),
      };
    },
  );

  app.post(
    '/api/gpts/:id/shares',
    {
      schema: {
        tags: ['sharing'],
        summary:
          'Share the GPT (its owner only) with a workspace of theirs or, by email, with someone in one of their workspaces; sharing again changes the permission',
        ...SHARE_ROUTES.create.schema,
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const { workspaceId, email, permission } = request.body;
      if ((workspaceId === undefined) === (email === undefined)) {
        throw badRequest('ONE_GRANTEE', 'Give either workspaceId or email');
      }
      const { gpt } = await requireGpt(app.db, userId, request.params.id, 'owner');
      let share: { id: string };
      if (workspaceId) {
        if (!(await findMembership(app.db, userId, workspaceId))) throw notFound('Workspace');
        share = await upsertShare(app.db, { gptId: gpt.id, permission, workspaceId });
      } else {
        // Only people the owner already works with, so the route cannot be used to probe for accounts.
        const colleague = await findColleagueByEmail(app.db, userId, email!.trim());
        if (!colleague) throw notFound('User in your workspaces');
        if (colleague.id === userId) throw badRequest('OWN_GPT', 'The GPT is already yours');
        share = await upsertShare(app.db, { gptId: gpt.id, permission, userId: colleague.id });
      }
      request.log.info({ gptId: gpt.id, shareId: share.id, permission }, 'gpt shared');
      return reply.code(201).send(share);
    },
  );

  app.delete(
    '/api/gpts/:id/shares/:shareId',
    {
      schema: {
        tags: ['sharing'],
        summary: 'Stop sharing (its owner only); the access ends at once, open chats included',
        ...SHARE_ROUTES.delete.schema,
      },
    },
    async (request, reply) => {
      await requireGpt(app.db, callerOf(request).userId, request.params.id, 'owner');
      if (!(await deleteShare(app.db, request.params.id, request.params.shareId))) throw notFound('Share');
      request.log.info({ gptId: request.params.id, shareId: request.params.shareId }, 'gpt share removed');
      return reply.code(204).send(null);
    },
  );
};
