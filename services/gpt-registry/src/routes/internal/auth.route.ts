import { REGISTRY_INTERNAL_ROUTES } from '@chatty/contracts';
import { hashApiKey, isApiKey, notFound, unauthorized } from '@chatty/shared';
import { resolveApiKeyOwner } from '../../db/api-key.repository.js';
import { findUserById } from '../../db/user.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';

/**
 * Lets other services accept API keys and session tokens without reading the registry's tables:
 * they verify a token's signature themselves and ask here whether its session is still live, and
 * what a key is, so a sign-out or a revoked key stops at once everywhere.
 */
export const internalAuthRoutes: RegistryRoutes = async (app) => {
  app.post(
    '/internal/auth/api-key',
    {
      onRequest: app.checkServiceToken,
      schema: {
        hide: true,
        ...REGISTRY_INTERNAL_ROUTES.apiKey.schema,
      },
    },
    async (request) => {
      const { key } = request.body;
      const owner = isApiKey(key) ? await resolveApiKeyOwner(app.db, hashApiKey(key)) : null;
      if (!owner) throw unauthorized('Unknown, expired or revoked API key');
      return owner;
    },
  );

  app.post(
    '/internal/auth/session',
    {
      onRequest: app.checkServiceToken,
      schema: {
        hide: true,
        ...REGISTRY_INTERNAL_ROUTES.session.schema,
      },
    },
    async (request) => ({ live: await app.sessionRecord.isLive(request.body) }),
  );

  app.get(
    '/internal/users/:id/role',
    {
      onRequest: app.checkServiceToken,
      schema: {
        hide: true,
        ...REGISTRY_INTERNAL_ROUTES.role.schema,
      },
    },
    async (request) => {
      const user = await findUserById(app.db, request.params.id);
      if (!user) throw notFound('User');
      // A disabled admin is no admin: what the role opens must close with the account.
      return { role: user.role === 'admin' && !user.disabled_at ? ('admin' as const) : ('user' as const) };
    },
  );
};
