import fp from 'fastify-plugin';
import { internalRoutes } from './internal/index.js';
import { modelRoutes } from './models/index.js';
import { openAiRoutes } from './openai/index.js';
import { sessionRoutes } from './sessions/index.js';
import { usageRoutes } from './usage/index.js';

/**
 * Every route of the gateway. Registered after the plugins that decorate the app with what the
 * routes use; fastify refuses to start when one of them is missing or comes later.
 */
export const gatewayRoutes = fp(
  async (app) => {
    await app.register(sessionRoutes);
    await app.register(modelRoutes);
    await app.register(usageRoutes);
    await app.register(openAiRoutes);
    await app.register(internalRoutes);
  },
  {
    name: 'gateway-routes',
    dependencies: [
      'gateway-config',
      'gateway-db',
      'gateway-redis',
      'gateway-limits',
      'gateway-models',
      'gateway-clients',
      'gateway-auth',
      'gateway-turn',
      'chatty-service-token',
    ],
  },
);
