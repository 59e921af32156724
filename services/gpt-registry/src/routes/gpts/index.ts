import { GPT_ROUTES } from '@chatty/contracts';
import { AppError, callerOf, newestFirstCursor, newestFirstPosition, notFound } from '@chatty/shared';
import { requireGpt } from '../../access/gpt-access.js';
import { toGpt } from '../../db/gpt.mapper.js';
import {
  insertGpt,
  listGpts,
  markGptDeleting,
  updateGpt,
  VersionConflictError,
} from '../../db/gpt.repository.js';
import { countGpts, withUserLock } from '../../db/quota.repository.js';
import { finishGptDelete } from '../../deletion/finish-gpt-delete.js';
import { ensureRoom } from '../../quotas/quotas.js';
import type { RegistryRoutes } from '../registry-routes.js';
import { avatarRoute } from './avatar.route.js';
import { copyRoutes } from './copy.route.js';
import { expectedVersions } from './expected-version.js';
import { changeForUpdate, fieldsForCreate } from './gpt-input.js';
import { sharedListRoute } from './shared.route.js';
import { versionRoutes } from './versions.route.js';

export const gptRoutes: RegistryRoutes = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.get(
    '/api/gpts',
    {
      schema: {
        tags: ['gpts'],
        summary: "The caller's GPTs, newest first",
        ...GPT_ROUTES.list.schema,
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = await listGpts(app.db, callerOf(request).userId, {
        limit,
        ...(cursor !== undefined && { after: newestFirstPosition(cursor) }),
      });
      const items = page.rows.map((row) => toGpt(row));
      return page.next ? { items, nextCursor: newestFirstCursor(page.next) } : { items };
    },
  );

  app.get(
    '/api/gpts/:id',
    {
      schema: {
        tags: ['gpts'],
        summary:
          "One GPT: the caller's own, one shared with them, or the published version of one in a catalogue of theirs (ETag: its version)",
        ...GPT_ROUTES.get.schema,
      },
    },
    async (request, reply) => {
      const gpt = await app.heldGpts.visible(callerOf(request).userId, request.params.id);
      return reply.header('etag', `"${gpt.version}"`).send(gpt);
    },
  );

  app.post(
    '/api/gpts',
    {
      schema: {
        tags: ['gpts'],
        summary:
          'Create a GPT; an avatar is generated when none is given (409 QUOTA_EXCEEDED past QUOTA_GPTS)',
        ...GPT_ROUTES.create.schema,
      },
    },
    async (request, reply) => {
      const fields = await fieldsForCreate(request.body, app.models);
      const userId = callerOf(request).userId;
      const row = await withUserLock(app.db, userId, async (trx) => {
        ensureRoom('gpts', app.quotas.gpts, await countGpts(trx, userId));
        return insertGpt(trx, userId, fields);
      });
      request.log.info({ gptId: row.id }, 'gpt created');
      return reply.code(201).send(toGpt(row));
    },
  );

  app.put(
    '/api/gpts/:id',
    {
      schema: {
        tags: ['gpts'],
        summary:
          'Change a GPT (own or shared as can edit); any subset of fields; each change is a new version. With If-Match (one or several of its ETags, or `version`), an update from another version is 409 VERSION_CONFLICT with the current version in ETag',
        ...GPT_ROUTES.update.schema,
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const expected = expectedVersions(request.headers['if-match'], request.body.version);
      const { access } = await requireGpt(app.db, userId, request.params.id, 'edit');
      const change = await changeForUpdate(request.body, app.models);
      try {
        const row = await updateGpt(app.db, userId, request.params.id, change, expected);
        if (!row) throw notFound('GPT');
        request.log.info({ gptId: row.id, version: row.version }, 'gpt updated');
        return reply.header('etag', `"${row.version}"`).send(toGpt(row, access));
      } catch (error) {
        if (error instanceof VersionConflictError) {
          throw new AppError(
            409,
            'VERSION_CONFLICT',
            `${error.message}; reload it and apply your change again`,
            { etag: `"${error.currentVersion}"` },
          );
        }
        throw error;
      }
    },
  );

  app.delete(
    '/api/gpts/:id',
    {
      schema: {
        tags: ['gpts'],
        summary:
          'Delete a GPT with its versions, files, actions and chat sessions; its owner only (403 NOT_ALLOWED to those it is shared with)',
        ...GPT_ROUTES.delete.schema,
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const gptId = request.params.id;
      // Marked first, so nothing new starts with it; finishGptDelete says what follows. A mark left by
      // a crash is finished by retrying the delete, or by the sweep of stale marks.
      if (!(await markGptDeleting(app.db, userId, gptId))) {
        // Someone it is shared with may see it, but only its owner deletes it.
        await requireGpt(app.db, userId, gptId, 'owner');
        throw notFound('GPT');
      }
      const deleted = await finishGptDelete(
        { db: app.db, storage: app.storage, deleteGptSessions: app.deleteGptSessions, log: request.log },
        { userId, gptId, requestId: request.id },
      );
      if (!deleted) throw notFound('GPT');
      request.log.info({ gptId }, 'gpt deleted');
      return reply.code(204).send(null);
    },
  );

  await app.register(versionRoutes);
  await app.register(sharedListRoute);
  await app.register(copyRoutes);
  await app.register(avatarRoute);
};
