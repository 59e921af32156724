import fp from 'fastify-plugin';
import { executeRoute } from './execute.route.js';

/**
 * Every route of the action-runner. Registered after the plugins that decorate the app with what the
 * routes use; fastify refuses to start when one of them is missing or comes later.
 */
export const runnerRoutes = fp(
  async (app) => {
    await app.register(executeRoute);
  },
  { name: 'runner-routes', dependencies: ['runner-egress', 'chatty-service-token'] },
);
