import { errorResponses, hashApiKey, isApiKey, requireServiceToken, unauthorized } from '@chatty/shared';
import Type from 'typebox';
import { resolveApiKeyOwner } from '../../db/api-key.repository.js';
import type { RegistryRoutes } from '../../registry-app.js';

/**
 * Lets other services accept API keys without reading the registry's tables: they verify session
 * tokens themselves (same SECRET_KEY) and ask here for keys, so a revoked key stops at once everywhere.
 */
export const internalAuthRoutes: RegistryRoutes<{ secret: string }> = async (app, { secret }) => {
  app.post(
    '/internal/auth/api-key',
    {
      preHandler: requireServiceToken(secret),
      schema: {
        hide: true,
        body: Type.Object({ key: Type.String({ maxLength: 200 }) }),
        response: {
          200: Type.Object({ userId: Type.String(), keyId: Type.String() }),
          ...errorResponses(401, 404),
        },
      },
    },
    async (request) => {
      const { key } = request.body;
      const owner = isApiKey(key) ? await resolveApiKeyOwner(app.db, hashApiKey(key)) : null;
      if (!owner) throw unauthorized('Unknown or revoked API key');
      return owner;
    },
  );
};
