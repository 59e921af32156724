import { CATALOGUE_ROUTES } from '@chatty/contracts';
import { callerOf, forbidden, newestFirstCursor, newestFirstPosition, notFound } from '@chatty/shared';
import { requireGpt } from '../../access/gpt-access.js';
import {
  findEntry,
  findReview,
  listCatalogue,
  listPublications,
  listPublishTargets,
  listReviews,
  publish,
  saveReview,
  unpublish,
} from '../../db/catalogue.repository.js';
import { findGptVersion } from '../../db/gpt-version.repository.js';
import { findMemberRole } from '../../db/workspace.repository.js';
import { checkSingleLine } from '../../text/single-line.js';
import type { RegistryRoutes } from '../registry-routes.js';
import { requireMembership } from '../workspaces/membership.js';

/**
 * Each workspace's catalogue: GPTs published to it at a fixed version (saving a draft does not change
 * what is published), searchable, with members' ratings and reviews and a count of conversations.
 */
export const catalogueRoutes: RegistryRoutes = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.post(
    '/api/gpts/:id/publish',
    {
      schema: {
        tags: ['catalogue'],
        summary:
          "Publish a version (the current one unless given) to a workspace's catalogue: a workspace the GPT's owner is in; by the owner or an editor who is in that workspace too. Publishing again replaces the version",
        ...CATALOGUE_ROUTES.publish.schema,
      },
    },
    async (request) => {
      const category = checkSingleLine(request.body.category?.trim() ?? '', 'INVALID_CATEGORY', 'category');
      const userId = callerOf(request).userId;
      const { gpt, access } = await requireGpt(app.db, userId, request.params.id, 'edit');
      const workspace = await requireMembership(app.db, userId, request.body.workspaceId, 'member');
      // Whoever reaches it through the catalogue chats with the owner's knowledge and actions: the owner
      // decides who that is, so an editor publishes only where the owner is a member too.
      if (access !== 'owner' && !(await findMemberRole(app.db, workspace.id, gpt.user_id))) {
        throw forbidden(
          'NOT_ALLOWED',
          'This GPT may be published only to a workspace its owner is in; the owner is not in this one',
        );
      }
      const version = request.body.version ?? gpt.version;
      if (!(await findGptVersion(app.db, gpt.id, version))) throw notFound('Version');
      const entry = await publish(app.db, {
        workspaceId: workspace.id,
        gptId: gpt.id,
        version,
        category,
        userId,
      });
      request.log.info({ gptId: gpt.id, workspaceId: workspace.id, version }, 'gpt published');
      return {
        workspaceId: workspace.id,
        workspaceName: workspace.name,
        version: entry.version,
        category: entry.category,
        publishedAt: entry.published_at.toISOString(),
      };
    },
  );

  app.delete(
    '/api/gpts/:id/publish/:workspaceId',
    {
      schema: {
        tags: ['catalogue'],
        summary:
          "Take the GPT out of a workspace's catalogue (its owner, from any workspace; an editor or the workspace's admins, from a workspace of theirs)",
        ...CATALOGUE_ROUTES.unpublish.schema,
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const { id, workspaceId } = request.params;
      const { access } = await requireGpt(app.db, userId, id, 'catalogue');
      // The owner ends a publication wherever it is, in a workspace they are not in too.
      if (access !== 'owner') {
        const workspace = await requireMembership(app.db, userId, workspaceId, 'member');
        if (access !== 'edit' && workspace.role === 'member') {
          throw forbidden('NOT_ALLOWED', 'Only its editors or the workspace’s admins may unpublish a GPT');
        }
      }
      if (!(await unpublish(app.db, workspaceId, id))) throw notFound('Publication');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/gpts/:id/publications',
    {
      schema: {
        tags: ['catalogue'],
        summary:
          'Where the GPT is published and at which version: every workspace for its owner, those among the caller’s workspaces for an editor; and `targets`, the team workspaces the caller may publish it to (those the owner is in too)',
        ...CATALOGUE_ROUTES.publications.schema,
      },
    },
    async (request) => {
      const userId = callerOf(request).userId;
      const { gpt, access } = await requireGpt(app.db, userId, request.params.id, 'edit');
      const [rows, targets] = await Promise.all([
        listPublications(app.db, userId, gpt.id, { everywhere: access === 'owner' }),
        listPublishTargets(app.db, userId, gpt.user_id),
      ]);
      return {
        items: rows.map((row) => ({
          workspaceId: row.workspace_id,
          workspaceName: row.workspace_name,
          version: row.version,
          category: row.category,
          publishedAt: row.published_at.toISOString(),
        })),
        targets: targets.map((target) => ({ workspaceId: target.id, workspaceName: target.name })),
      };
    },
  );

  app.get(
    '/api/workspaces/:id/catalogue',
    {
      schema: {
        tags: ['catalogue'],
        summary:
          "A page of a workspace's catalogue, newest first; q searches name, description and category; limit and cursor page through it",
        ...CATALOGUE_ROUTES.list.schema,
      },
    },
    async (request) => {
      const userId = callerOf(request).userId;
      await requireMembership(app.db, userId, request.params.id, 'member');
      const { limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : newestFirstPosition(cursor);
      const page = await listCatalogue(app.db, request.params.id, userId, {
        q: request.query.q?.trim() || undefined,
        category: request.query.category?.trim() || undefined,
        limit,
        after,
      });
      const items = page.rows.map((row) => ({
        gptId: row.gpt_id,
        version: row.version,
        name: row.name,
        description: row.description,
        category: row.category,
        modelId: row.model_id,
        avatar: row.avatar,
        publishedAt: row.published_at.toISOString(),
        publishedBy: row.publisher_name ?? row.publisher_email ?? null,
        yours: row.yours,
        conversationCount: row.conversation_count,
        rating: { average: row.rating_average, count: row.rating_count, mine: row.my_rating },
      }));
      return page.next ? { items, nextCursor: newestFirstCursor(page.next) } : { items };
    },
  );

  app.get(
    '/api/workspaces/:id/catalogue/:gptId/reviews',
    {
      schema: {
        tags: ['catalogue'],
        summary:
          'A page of the ratings and reviews of a published GPT in this workspace, the latest written first; limit and cursor page through them',
        ...CATALOGUE_ROUTES.reviews.schema,
      },
    },
    async (request) => {
      await requireMembership(app.db, callerOf(request).userId, request.params.id, 'member');
      if (!(await findEntry(app.db, request.params.id, request.params.gptId)))
        throw notFound('Catalogue entry');
      const { limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : newestFirstPosition(cursor);
      const page = await listReviews(app.db, request.params.id, request.params.gptId, { limit, after });
      const items = page.rows.map(toReview);
      return page.next ? { items, nextCursor: newestFirstCursor(page.next) } : { items };
    },
  );

  app.put(
    '/api/workspaces/:id/catalogue/:gptId/review',
    {
      schema: {
        tags: ['catalogue'],
        summary: "Rate (1–5) and review a published GPT as a member; replaces the caller's earlier review",
        ...CATALOGUE_ROUTES.review.schema,
      },
    },
    async (request) => {
      const userId = callerOf(request).userId;
      const { id: workspaceId, gptId } = request.params;
      await requireMembership(app.db, userId, workspaceId, 'member');
      const entry = await findEntry(app.db, workspaceId, gptId);
      if (!entry) throw notFound('Catalogue entry');
      // Ratings tell members what others think of a GPT: its owner's own would only tilt them.
      if (entry.owner_id === userId) throw forbidden('OWN_GPT', 'You may not rate your own GPT');
      await saveReview(app.db, {
        workspaceId,
        gptId,
        userId,
        rating: request.body.rating,
        review: request.body.review?.trim() ?? '',
      });
      return toReview((await findReview(app.db, workspaceId, gptId, userId))!);
    },
  );
};

function toReview(row: {
  user_id: string;
  name: string | null;
  email: string;
  rating: number;
  review: string;
  updated_at: Date;
}) {
  return {
    userId: row.user_id,
    name: row.name,
    email: row.email,
    rating: row.rating,
    review: row.review,
    updatedAt: row.updated_at.toISOString(),
  };
}
