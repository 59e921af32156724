import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** A route plugin of the registry: typed by TypeBox; what it needs hangs on the app (src/plugins/). */
export type RegistryRoutes<Options extends Record<string, unknown> = Record<never, never>> =
  FastifyPluginAsyncTypebox<Options>;
