import { GPT_ROUTES, MAX_AVATAR_BYTES } from '@chatty/contracts';
import { AppError, callerOf, notFound } from '@chatty/shared';
import multipart from '@fastify/multipart';
import { requireGpt } from '../../access/gpt-access.js';
import { generateAvatar } from '../../avatar/generate-avatar.js';
import { avatarDataUrl } from '../../avatar/validate-avatar.js';
import { updateGpt } from '../../db/gpt.repository.js';
import { receiveOneFile } from '../../files/receive-one-file.js';
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
        const { content: bytes } = await receiveOneFile(request, {
          what: 'the image',
          read: (file) => file.toBuffer(),
          tooLarge: () =>
            new AppError(413, 'AVATAR_TOO_LARGE', `An avatar may be at most ${MAX_AVATAR_BYTES} bytes`),
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
