import type { ObjectStore } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Blobs: the uploads to read, the extracted text to write (MinIO, or files under DATA_DIR). */
    storage: ObjectStore;
  }
}

export const storagePlugin = fp(
  async (app: FastifyInstance, { store }: { store: ObjectStore }) => {
    app.decorate('storage', store);
  },
  { name: 'ingest-storage' },
);
