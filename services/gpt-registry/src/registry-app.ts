import type { ModelCatalog, SessionTokens } from '@chatty/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { SessionRecord } from './auth/session-record.js';
import type { Db } from './db/index.js';
import type { QuotaLimits } from './quotas/quotas.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    models: ModelCatalog;
    sessions: SessionTokens;
    /** Which sessions still count (sign-out, password change, an admin end them). */
    sessionRecord: SessionRecord;
    /** Per-user limits, checked under the user's row lock (db/quota.repository.ts). */
    quotas: QuotaLimits;
  }
}

/** A route plugin of the registry: typed by TypeBox, with `app.db`, `app.models`, `app.sessions`, `app.quotas`. */
export type RegistryRoutes<Options extends Record<string, unknown> = Record<never, never>> =
  FastifyPluginAsyncTypebox<Options>;
