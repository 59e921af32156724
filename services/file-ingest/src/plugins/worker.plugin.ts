import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { IngestWorker } from '../worker.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The `ingest` consumer once startWorker (start-worker.ts) has started one; the app closes it. */
    ingestWorker: IngestWorker | undefined;
  }
}

/**
 * Room for the worker, which building the app does not start (tests build apps without one):
 * server.ts starts it. Closed first, so running jobs finish while the database and store are there.
 */
export const workerPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorate('ingestWorker', undefined);
    app.addHook('onClose', async () => {
      await app.ingestWorker?.close();
    });
  },
  {
    name: 'ingest-worker',
    dependencies: ['ingest-config', 'ingest-db', 'ingest-storage', 'ingest-embedder'],
  },
);
