import { KEY_ROUTES } from '@chatty/contracts';
import { callerOf, generateApiKey, hashApiKey, notFound } from '@chatty/shared';
import { deleteApiKey, insertApiKey, listApiKeys } from '../../db/api-key.repository.js';
import { countApiKeys, withUserLock } from '../../db/quota.repository.js';
import { ensureRoom } from '../../quotas/quotas.js';
import { nameOf } from '../../text/single-line.js';
import type { RegistryRoutes } from '../registry-routes.js';

const PREFIX_LENGTH = 12;
const DAY_MS = 86_400_000;

const expiresIn = (days: number | undefined) => (days ? new Date(Date.now() + days * DAY_MS) : null);

export const keyRoutes: RegistryRoutes = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.post(
    '/api/keys',
    {
      schema: {
        tags: ['keys'],
        summary:
          'Create an API key (scope chat, read or full; an expiry in days); the key is shown only in this answer',
        description:
          'Only a session or a full-scope key may create keys (403 KEY_SCOPE otherwise); 409 QUOTA_EXCEEDED past QUOTA_API_KEYS.',
        ...KEY_ROUTES.create.schema,
      },
    },
    async (request, reply) => {
      const name = nameOf(request.body.name);
      const key = generateApiKey();
      const userId = callerOf(request).userId;
      const row = await withUserLock(app.db, userId, async (trx) => {
        ensureRoom('apiKeys', app.quotas.apiKeys, await countApiKeys(trx, userId));
        return insertApiKey(trx, {
          userId,
          name,
          keyHash: hashApiKey(key),
          keyPrefix: key.slice(0, PREFIX_LENGTH),
          scope: request.body.scope ?? 'full',
          expiresAt: expiresIn(request.body.expiresInDays),
        });
      });
      request.log.info({ keyId: row.id, scope: row.scope }, 'api key created');
      return reply.code(201).send({
        id: row.id,
        name: row.name,
        key,
        scope: row.scope,
        createdAt: row.created_at.toISOString(),
        expiresAt: row.expires_at?.toISOString() ?? null,
      });
    },
  );

  app.get(
    '/api/keys',
    {
      schema: {
        tags: ['keys'],
        summary: "The caller's API keys",
        ...KEY_ROUTES.list.schema,
      },
    },
    async (request) => {
      const rows = await listApiKeys(app.db, callerOf(request).userId);
      return {
        items: rows.map((row) => ({
          id: row.id,
          name: row.name,
          prefix: row.key_prefix,
          scope: row.scope,
          createdAt: row.created_at.toISOString(),
          expiresAt: row.expires_at?.toISOString() ?? null,
          lastUsedAt: row.last_used_at?.toISOString() ?? null,
        })),
      };
    },
  );

  app.delete(
    '/api/keys/:id',
    {
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key; it stops working at once',
        ...KEY_ROUTES.revoke.schema,
      },
    },
    async (request, reply) => {
      if (!(await deleteApiKey(app.db, callerOf(request).userId, request.params.id)))
        throw notFound('API key');
      request.log.info({ keyId: request.params.id }, 'api key revoked');
      return reply.code(204).send(null);
    },
  );
};
