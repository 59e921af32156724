import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { FILE_ROUTES, filePrefix, KNOWLEDGE_TYPES, type KnowledgeType, originalKey } from '@chatty/contracts';
import { AppError, badRequest, callerOf, notFound } from '@chatty/shared';
import multipart from '@fastify/multipart';
import { toFile } from '../../db/file.mapper.js';
import { insertFile } from '../../db/file.repository.js';
import { findGpt, lockLiveGpt } from '../../db/gpt.repository.js';
import { isForeignKeyViolation } from '../../db/index.js';
import { withUserLock } from '../../db/quota.repository.js';
import { removeOrphanedBlobs } from '../../files/blob-deletion.js';
import { cleanFileName, decideType } from '../../files/decide-type.js';
import { ensureFileRoom } from '../../files/file-quota.js';
import { receiveOneFile } from '../../files/receive-one-file.js';
import { spoolUpload } from '../../files/spool-upload.js';
import type { RegistryRoutes } from '../registry-routes.js';

/** The extension the upload carried when it is one of its type's (`.mjs` stays `.mjs`), else the type's first. */
function storedExtension(type: KnowledgeType, name: string): string {
  const extensions: readonly string[] = KNOWLEDGE_TYPES[type].extensions;
  const given = extname(name).toLowerCase();
  return extensions.includes(given) ? given : extensions[0]!;
}

export const uploadRoute: RegistryRoutes = async (app) => {
  const maxFileSize = app.registryConfig.MAX_FILE_SIZE;
  await app.register(multipart, { limits: { files: 1, fileSize: maxFileSize, fields: 5 } });

  app.post(
    '/api/gpts/:id/files',
    {
      schema: {
        tags: ['files'],
        summary:
          'Upload a knowledge file (multipart field "file"); it is processed in the background. ' +
          '409 QUOTA_EXCEEDED past QUOTA_FILES_PER_GPT or QUOTA_FILE_BYTES',
        ...FILE_ROUTES.upload.schema,
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const gpt = await findGpt(app.db, userId, request.params.id);
      if (!gpt) throw notFound('GPT');
      // Refused before a byte is read when there is no room at all.
      await ensureFileRoom(app.db, app.quotas, { userId, gptId: gpt.id, size: 1 });
      const { part, content: spooled } = await receiveOneFile(request, {
        what: 'the file',
        read: (file) => spoolUpload(file.file),
        discard: (spooled) => spooled.remove(),
        tooLarge: () => new AppError(413, 'FILE_TOO_LARGE', `A file may be at most ${maxFileSize} bytes`),
      });
      try {
        if (spooled.size === 0) throw badRequest('EMPTY_FILE', 'The file is empty');
        const originalName = cleanFileName(part.filename);
        const type = await decideType(originalName, spooled.path, spooled.textEncoding);
        const fileId = randomUUID();
        const key = originalKey(userId, gpt.id, fileId);
        const mimeType = KNOWLEDGE_TYPES[type].mime;
        // The size is known now, and nothing is in storage yet: refuse here rather than undo later.
        await ensureFileRoom(app.db, app.quotas, { userId, gptId: gpt.id, size: spooled.size });
        let row: Awaited<ReturnType<typeof insertFile>>;
        try {
          // A delete of the GPT meanwhile may remove its objects while this one is written (the file
          // store then fails the write); the GPT's absence is the answer, below.
          await app.storage.put(key, createReadStream(spooled.path), spooled.size, mimeType);
          // Final under the user's lock: a concurrent upload may have taken the room meanwhile. The
          // GPT's row is locked first, as its delete does, and one being deleted takes no new file.
          row = await withUserLock(app.db, userId, async (trx) => {
            if (!(await lockLiveGpt(trx, userId, gpt.id))) throw notFound('GPT');
            await ensureFileRoom(trx, app.quotas, { userId, gptId: gpt.id, size: spooled.size });
            return insertFile(trx, {
              id: fileId,
              gptId: gpt.id,
              filename: `${fileId}${storedExtension(type, originalName)}`,
              originalName,
              mimeType,
              size: spooled.size,
              storageKey: key,
              sha256: spooled.sha256,
            });
          });
        } catch (error) {
          // Refused or failed: the blob goes too, so a refusal leaves nothing stored.
          await removeOrphanedBlobs(
            app.db,
            app.storage,
            request.log,
            filePrefix(userId, gpt.id, fileId),
          ).catch(() => {});
          // The GPT was deleted while the file was uploading: its objects removed under the write (the
          // file store fails it), or its row before the insert.
          if (isForeignKeyViolation(error)) throw notFound('GPT');
          if (!(error instanceof AppError) && !(await findGpt(app.db, userId, gpt.id).catch(() => gpt)))
            throw notFound('GPT');
          throw error;
        }
        await app.enqueueIngest(fileId);
        request.log.info({ gptId: gpt.id, fileId, type, size: spooled.size }, 'file uploaded');
        return reply.code(202).send(toFile(row));
      } finally {
        await spooled.remove();
      }
    },
  );
};
