import type { ModelCatalog, ServiceClient } from '@chatty/shared';
import type {} from '@fastify/swagger';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Redis } from 'ioredis';
import type { Confirmations } from './chat/confirmations.js';
import type { TurnDeps } from './chat/run-turn.js';
import type { RegistryApi } from './clients/registry.client.js';
import type { Db } from './db/schema.js';
import type { ChatAdmission } from './limits/chat-admission.js';
import type { ModelRouter } from './pool/model-router.js';

declare module 'fastify' {
  interface FastifyInstance {
    chatDb: Db;
    models: ModelCatalog;
    router: ModelRouter;
    registryApi: RegistryApi;
    registryClient: ServiceClient;
    turnDeps: TurnDeps;
    /** Fair-use limits of a chat request: a lease to release when its answer ends, or a 429. */
    admitChat: ChatAdmission;
    /** Where the limits are counted; undefined when every limit is off. */
    limitsRedis: Redis | undefined;
    /** Side-effecting action calls waiting for the user's word (shared by the replicas). */
    confirmations: Confirmations;
  }
}

/** A route plugin of the gateway: typed by TypeBox, with the decorators above. */
export type GatewayRoutes<Options extends Record<string, unknown> = Record<never, never>> =
  FastifyPluginAsyncTypebox<Options>;
