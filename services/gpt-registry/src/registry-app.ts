import type { ModelCatalog, SessionTokens } from '@chatty/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from './db/user.repository.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    models: ModelCatalog;
    sessions: SessionTokens;
  }
}

/** A route plugin of the registry: typed by TypeBox, with `app.db`, `app.models`, `app.sessions`. */
export type RegistryRoutes<Options extends Record<string, unknown> = Record<never, never>> =
  FastifyPluginAsyncTypebox<Options>;
