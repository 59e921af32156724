import { GPT_ROUTES, gptPrefix } from '@chatty/contracts';
import { AppError, callerOf, notFound } from '@chatty/shared';
import { requireGpt } from '../../access/gpt-access.js';
import { toGpt } from '../../db/gpt.mapper.js';
import {
  deleteGpt,
  insertGpt,
  listGpts,
  markGptDeleting,
  updateGpt,
  VersionConflictError,
} from '../../db/gpt.repository.js';
import { countGpts, withUserLock } from '../../db/quota.repository.js';
import { retryOnConflict } from '../../db/retry-conflicts.js';
import { deleteWithBlobs } from '../../files/blob-deletion.js';
import { ensureRoom } from '../../quotas/quotas.js';
import { newestFirstCursor, newestFirstPosition } from '../newest-first-cursor.js';
import type { RegistryRoutes } from '../registry-routes.js';
import { avatarRoute } from './avatar.route.js';
import { copyRoutes } from './copy.route.js';
import { expectedVersion } from './expected-version.js';
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
          'Change a GPT (own or shared as can edit); any subset of fields; each change is a new version. With If-Match (or `version`), a stale update is 409 VERSION_CONFLICT with the current version in ETag',
        ...GPT_ROUTES.update.schema,
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const expected = expectedVersion(request.headers['if-match'], request.body.version);
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
      // Marked first: from here the runtime the gateway asks for is 404, so no session can start
      // (the gateway checks it under the lock its delete of sessions takes), and every gateway replica
      // stops the answers it is giving with it (it hears the change). Then the sessions: if the
      // gateway cannot be reached the mark is undone and the delete stops (503) with nothing gone,
      // and a retry is safe. A mark left by a crash is finished by retrying the delete.
      if (!(await markGptDeleting(app.db, userId, gptId))) {
        // Someone it is shared with may see it, but only its owner deletes it.
        await requireGpt(app.db, userId, gptId, 'owner');
        throw notFound('GPT');
      }
      try {
        await app.deleteGptSessions?.(gptId, request.id);
      } catch (error) {
        await markGptDeleting(app.db, userId, gptId, false);
        throw error;
      }
      // Its files' rows and chunks go by cascade; their objects by prefix, retried until gone. Writers
      // under a GPT lock its row first, as this does, but Postgres may still end the transaction for
      // a deadlock with some other writer: it is run again, as nothing of it was kept.
      let deleted: boolean;
      try {
        deleted = await retryOnConflict(() =>
          deleteWithBlobs(app.db, app.storage, request.log, gptPrefix(userId, gptId), (trx) =>
            deleteGpt(trx, userId, gptId),
          ),
        );
      } catch (error) {
        // Nothing was deleted: the GPT is shown (and counted) as it was, for the delete to be retried.
        request.log.error({ gptId, err: error }, 'gpt delete failed; its mark is undone');
        await markGptDeleting(app.db, userId, gptId, false).catch(() => {});
        throw new AppError(
          503,
          'DELETE_FAILED',
          'The GPT could not be deleted just now and is still there (its chat sessions are gone); retry',
          { 'retry-after': '1' },
        );
      }
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
