import {
  ApiKeySummary,
  CreateApiKeyBody,
  CreatedApiKey,
  callerOf,
  errorResponses,
  generateApiKey,
  hashApiKey,
  IdParams,
  notFound,
} from '@chatty/shared';
import Type from 'typebox';
import { deleteApiKey, insertApiKey, listApiKeys } from '../../db/api-key.repository.js';
import { countApiKeys, withUserLock } from '../../db/quota.repository.js';
import { ensureRoom } from '../../quotas/quotas.js';
import type { RegistryRoutes } from '../../registry-app.js';

const PREFIX_LENGTH = 12;

export const keyRoutes: RegistryRoutes = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.post(
    '/api/keys',
    {
      schema: {
        tags: ['keys'],
        summary:
          'Create an API key; the key is shown only in this answer (409 QUOTA_EXCEEDED past QUOTA_API_KEYS)',
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey, ...errorResponses(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const key = generateApiKey();
      const userId = callerOf(request).userId;
      const row = await withUserLock(app.db, userId, async (trx) => {
        ensureRoom('apiKeys', app.quotas.apiKeys, await countApiKeys(trx, userId));
        return insertApiKey(trx, {
          userId,
          name: request.body.name,
          keyHash: hashApiKey(key),
          keyPrefix: key.slice(0, PREFIX_LENGTH),
        });
      });
      request.log.info({ keyId: row.id }, 'api key created');
      return reply
        .code(201)
        .send({ id: row.id, name: row.name, key, createdAt: row.created_at.toISOString() });
    },
  );

  app.get(
    '/api/keys',
    {
      schema: {
        tags: ['keys'],
        summary: "The caller's API keys",
        response: { 200: Type.Object({ items: Type.Array(ApiKeySummary) }), ...errorResponses(401) },
      },
    },
    async (request) => {
      const rows = await listApiKeys(app.db, callerOf(request).userId);
      return {
        items: rows.map((row) => ({
          id: row.id,
          name: row.name,
          prefix: row.key_prefix,
          createdAt: row.created_at.toISOString(),
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
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 404) },
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
