import { GPT_ROUTES } from '@chatty/contracts';
import { AppError, callerOf } from '@chatty/shared';
import multipart from '@fastify/multipart';
import { requireGpt } from '../../access/gpt-access.js';
import { listActions } from '../../db/action.repository.js';
import { listFiles } from '../../db/file.repository.js';
import { receiveOneFile } from '../../files/receive-one-file.js';
import { spoolUpload } from '../../files/spool-upload.js';
import { MAX_JSON_ENTRY_BYTES } from '../../portable/archive-layout.js';
import { importGpt } from '../../portable/import-gpt.js';
import { readArchive } from '../../portable/read-archive.js';
import { writeArchive } from '../../portable/write-archive.js';
import type { RegistryRoutes } from '../registry-routes.js';

/** The portable GPT file: a GPT with its avatar, actions and knowledge files as one zip, and back. */
export const portableRoutes: RegistryRoutes = async (app) => {
  // MAX_FILE_SIZE: the largest knowledge file, inside an archive too.
  const maxFileSize = app.registryConfig.MAX_FILE_SIZE;
  // An archive may hold as many files as a GPT may, each up to MAX_FILE_SIZE, plus its JSON entries.
  const maxArchiveBytes = maxFileSize * app.quotas.filesPerGpt + 3 * MAX_JSON_ENTRY_BYTES;
  await app.register(multipart, { limits: { files: 1, fileSize: maxArchiveBytes, fields: 5 } });
  app.addHook('preHandler', app.authenticate);

  app.get(
    '/api/gpts/:id/export',
    {
      schema: {
        tags: ['gpts'],
        summary:
          'The GPT as a portable file (application/zip): configuration, avatar, actions without their secrets, knowledge files and the version number ' +
          "(for an editor, the configuration and avatar only: files and actions are the owner's)",
        ...GPT_ROUTES.export.schema,
      },
    },
    async (request, reply) => {
      // The owner and editors. Knowledge files and actions are the owner's alone (their routes answer 404
      // to everyone else), so an editor's file is the configuration only: what they may see and change.
      const { gpt, access } = await requireGpt(app.db, callerOf(request).userId, request.params.id, 'edit');
      const whole = access === 'owner';
      const [actions, files] = whole
        ? await Promise.all([listActions(app.db, gpt.id), listFiles(app.db, gpt.id)])
        : [undefined, []];
      // Checked before the answer starts: once the zip streams, a missing object could only cut it short.
      for (const file of files) {
        if (!(await app.storage.exists(file.storage_key))) {
          throw new AppError(
            409,
            'FILE_MISSING',
            `The knowledge file "${file.original_name}" is missing from storage; delete it or upload it again, then export`,
          );
        }
      }
      const archive = writeArchive({
        gpt,
        actions,
        files,
        openFile: (file) => app.storage.getStream(file.storage_key),
      });
      archive.on('error', (error) =>
        request.log.warn({ gptId: gpt.id, reason: error.message }, 'export interrupted'),
      );
      request.log.info(
        { gptId: gpt.id, version: gpt.version, files: files.length, configurationOnly: !whole },
        'gpt exported',
      );
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${fileNameOf(gpt.name)}.chatty.zip"`)
        .send(archive);
    },
  );

  app.post(
    '/api/gpts/import',
    {
      schema: {
        tags: ['gpts'],
        summary:
          'Import a portable GPT file (multipart field "file"): a new GPT (201), or with ?into= a new version of one you own or may edit (200; ' +
          "an editor's file must carry the configuration only: files and actions are the owner's). " +
          'The report lists the secret headers to set again; knowledge files are ingested again',
        ...GPT_ROUTES.import.schema,
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const into = request.query.into;
      // Before the upload is read: a wrong target costs the caller nothing (404 unknown, 403 can chat only).
      if (into) await requireGpt(app.db, userId, into, 'edit');
      const { content: spooled } = await receiveOneFile(request, {
        what: 'the GPT file',
        read: (file) => spoolUpload(file.file),
        discard: (spooled) => spooled.remove(),
        tooLarge: () => archiveTooLarge(maxArchiveBytes),
      });
      try {
        const archive = await readArchive(spooled.path, {
          maxFileBytes: maxFileSize,
          maxTotalBytes: maxArchiveBytes,
          maxFiles: app.quotas.filesPerGpt,
        });
        try {
          const report = await importGpt(
            {
              db: app.db,
              models: app.models,
              quotas: app.quotas,
              storage: app.storage,
              enqueueIngest: (fileId) => app.enqueueIngest(fileId),
              actionKey: app.actionKey,
              log: request.log,
            },
            userId,
            archive,
            into,
          );
          request.log.info(
            { gptId: report.gpt.id, created: report.created, files: report.files.length },
            'gpt imported',
          );
          return reply.code(report.created ? 201 : 200).send(report);
        } finally {
          await archive.remove();
        }
      } finally {
        await spooled.remove();
      }
    },
  );
};

function archiveTooLarge(limit: number) {
  return new AppError(413, 'ARCHIVE_TOO_LARGE', `A GPT file may be at most ${limit} bytes`);
}

/** A download name from the GPT's name: letters, digits, `-` and `_` only (it goes into a header). */
function fileNameOf(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'gpt'
  );
}
