import fp from 'fastify-plugin';
import { searchRoute } from './search.route.js';

/**
 * Every route of file-ingest. Registered after the plugins that decorate the app with what the routes
 * use; fastify refuses to start when one of them is missing or comes later.
 */
export const ingestRoutes = fp(
  async (app) => {
    await app.register(searchRoute);
  },
  { name: 'ingest-routes', dependencies: ['ingest-db', 'ingest-embedder', 'chatty-service-token'] },
);
