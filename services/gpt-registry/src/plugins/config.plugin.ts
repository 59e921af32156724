import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { RegistryConfig } from '../config.js';
import { type QuotaLimits, quotaLimitsOf } from '../quotas/quotas.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The validated environment: routes read their settings (MAX_FILE_SIZE, ALLOW_SIGNUP, ...) here. */
    registryConfig: RegistryConfig;
    /** Per-user limits, checked under the user's row lock (db/quota.repository.ts). */
    quotas: QuotaLimits;
  }
}

export const configPlugin = fp(
  async (app: FastifyInstance, { config }: { config: RegistryConfig }) => {
    app.decorate('registryConfig', config);
    app.decorate('quotas', quotaLimitsOf(config));
  },
  { name: 'registry-config' },
);
