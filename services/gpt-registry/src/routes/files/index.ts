import { FILE_ROUTES, filePrefix, textKey } from '@chatty/contracts';
import { callerOf, conflict, notFound } from '@chatty/shared';
import { toFile } from '../../db/file.mapper.js';
import { deleteFileRow, findOwnedFile, listFiles, setFileActive } from '../../db/file.repository.js';
import { findGpt, lockLiveGpt } from '../../db/gpt.repository.js';
import { deleteWithBlobs } from '../../files/blob-deletion.js';
import type { RegistryRoutes } from '../registry-routes.js';
import { uploadRoute } from './upload.route.js';

export const fileRoutes: RegistryRoutes = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.get(
    '/api/gpts/:id/files',
    {
      schema: {
        tags: ['files'],
        summary: "A GPT's knowledge files, oldest first",
        ...FILE_ROUTES.list.schema,
      },
    },
    async (request) => {
      const gpt = await findGpt(app.db, callerOf(request).userId, request.params.id);
      if (!gpt) throw notFound('GPT');
      return { items: (await listFiles(app.db, gpt.id)).map(toFile) };
    },
  );

  app.get(
    '/api/gpts/files/:fileId',
    {
      schema: {
        tags: ['files'],
        summary: 'One knowledge file, with its processing status and progress',
        ...FILE_ROUTES.get.schema,
      },
    },
    async (request) => {
      const row = await findOwnedFile(app.db, callerOf(request).userId, request.params.fileId);
      if (!row) throw notFound('File');
      return toFile(row);
    },
  );

  app.get(
    '/api/gpts/files/:fileId/text',
    {
      schema: {
        tags: ['files'],
        summary: 'The text extracted from a file, once it is ready',
        produces: ['text/plain'],
        ...FILE_ROUTES.text.schema,
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const row = await findOwnedFile(app.db, userId, request.params.fileId);
      if (!row) throw notFound('File');
      if (row.status !== 'ready') {
        throw conflict('FILE_NOT_READY', `The file is ${row.status}${row.error ? `: ${row.error}` : ''}`);
      }
      const stream = await app.storage.getStream(textKey(userId, row.gpt_id, row.id));
      // Streamed as it is stored; the schema's string describes the body for the OpenAPI document.
      return reply.type('text/plain; charset=utf-8').send(stream as unknown as string);
    },
  );

  app.patch(
    '/api/gpts/files/:fileId',
    {
      schema: {
        tags: ['files'],
        summary:
          'Turn a file off (isActive: false): it stays stored and listed, and answers stop using it from the next turn; on again: they use it again',
        ...FILE_ROUTES.update.schema,
      },
    },
    async (request) => {
      const row = await findOwnedFile(app.db, callerOf(request).userId, request.params.fileId);
      if (!row) throw notFound('File');
      // The row's change reaches every gateway as a change notice of its GPT (a trigger on gpt_file).
      const updated = await setFileActive(app.db, row.id, request.body.isActive);
      if (!updated) throw notFound('File');
      request.log.info({ fileId: row.id, isActive: updated.is_active }, 'file use changed');
      return toFile(updated);
    },
  );

  app.delete(
    '/api/gpts/files/:fileId',
    {
      schema: {
        tags: ['files'],
        summary: 'Delete a file: its blob, its text and its chunks',
        ...FILE_ROUTES.delete.schema,
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const row = await findOwnedFile(app.db, userId, request.params.fileId);
      if (!row) throw notFound('File');
      // Chunks go with the row (ON DELETE CASCADE), so search stops finding the file at once. The
      // GPT's row is locked first, as deleting the GPT does: the two never deadlock.
      const deleted = await deleteWithBlobs(
        app.db,
        app.storage,
        request.log,
        filePrefix(userId, row.gpt_id, row.id),
        async (trx) => (await lockLiveGpt(trx, userId, row.gpt_id)) && deleteFileRow(trx, row.id),
      );
      if (!deleted) throw notFound('File');
      request.log.info({ fileId: row.id }, 'file deleted');
      return reply.code(204).send(null);
    },
  );

  await app.register(uploadRoute);
};
