import { GPT_ROUTES, MAX_AVATAR_BYTES } from '@chatty/contracts';
import { AppError, callerOf, notFound } from '@chatty/shared';
import multipart from '@fastify/multipart';
import { requireGpt } from '../../access/gpt-access.js';
import { generateAvatar } from '../../avatar/generate-avatar.js';
import { avatarDataUrl } from '../../avatar/validate-avatar.js';
import { updateGpt } from '../../db/gpt.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';

export const avatarRoute: RegistryRoutes = async (app) => {
  // One file, cut one byte past the limit so an oversized upload is detected without buffering it all.
  await app.register(multipart, { limits: { files: 1, fileSize: MAX_AVATAR_BYTES + 1, fields: 5 } });

  app.post(
    '/api/gpts/:id/avatar',
    {
      schema: {
        tags: ['gpts'],
        summary: 'Generate an avatar from the name, or upload one (multipart field "file": PNG, JPEG, GIF)',
        ...GPT_ROUTES.avatar.schema,
      },
    },
    async (request) => {
      await requireGpt(app.db, callerOf(request).userId, request.params.id, 'edit');
      let uploaded: string | undefined;
      if (request.isMultipart()) {
        const file = await request.file();
        if (!file) throw new AppError(400, 'FILE_REQUIRED', 'Send the image in the multipart field "file"');
        const bytes = await file.toBuffer().catch((error: { code?: string }) => {
          if (error.code === 'FST_REQ_FILE_TOO_LARGE') {
            throw new AppError(413, 'AVATAR_TOO_LARGE', `An avatar may be at most ${MAX_AVATAR_BYTES} bytes`);
          }
          throw error;
        });
        uploaded = await avatarDataUrl(bytes);
      }
      const row = await updateGpt(app.db, callerOf(request).userId, request.params.id, (current) => ({
        ...current,
        avatar: uploaded ?? generateAvatar(current.name),
      }));
      if (!row) throw notFound('GPT');
      return { avatar: row.avatar! };
    },
  );
};
