import type {} from '@fastify/swagger';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** A route plugin of the gateway: typed by TypeBox; what it needs hangs on the app (src/plugins/). */
export type GatewayRoutes<Options extends Record<string, unknown> = Record<never, never>> =
  FastifyPluginAsyncTypebox<Options>;
