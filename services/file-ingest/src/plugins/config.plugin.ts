import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { IngestConfig } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The validated environment: the worker and routes read their settings here. */
    ingestConfig: IngestConfig;
  }
}

export const configPlugin = fp(
  async (app: FastifyInstance, { config }: { config: IngestConfig }) => {
    app.decorate('ingestConfig', config);
  },
  { name: 'ingest-config' },
);
