import type { ObjectStore } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sweepBlobDeletions } from '../files/blob-deletion.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Blobs: uploads, their extracted text, avatars (MinIO, or files under DATA_DIR). */
    storage: ObjectStore;
  }
}

const SWEEP_INTERVAL_MS = 60_000;

/** Object storage, and the sweeper that finishes blob deletions a crash interrupted. */
export const storagePlugin = fp(
  async (app: FastifyInstance, { store }: { store: ObjectStore }) => {
    app.decorate('storage', store);
    const sweep = () => sweepBlobDeletions(app.db, store, app.log).catch(() => {});
    const timer = setInterval(sweep, SWEEP_INTERVAL_MS);
    timer.unref();
    app.addHook('onReady', async () => void sweep());
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'registry-storage', dependencies: ['registry-db'] },
);
