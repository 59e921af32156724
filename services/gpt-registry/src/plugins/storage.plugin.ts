import type { ObjectStore } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sweepAbandonedSpools } from '../files/abandoned-spools.js';
import { sweepBlobDeletions } from '../files/blob-deletion.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Blobs: uploads, their extracted text, avatars (MinIO, or files under DATA_DIR). */
    storage: ObjectStore;
  }
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Object storage, and the sweepers of what a crash left: blob deletions it interrupted, and the
 * temporary files of uploads it killed mid-way.
 */
export const storagePlugin = fp(
  async (app: FastifyInstance, { store }: { store: ObjectStore }) => {
    app.decorate('storage', store);
    const sweep = async () => {
      await sweepBlobDeletions(app.db, store, app.log).catch(() => {});
      const removed = await sweepAbandonedSpools().catch((error: unknown) => {
        app.log.warn({ err: error }, 'could not sweep abandoned upload files');
        return 0;
      });
      if (removed > 0) app.log.info({ removed }, 'removed the temporary files of abandoned uploads');
    };
    const timer = setInterval(sweep, SWEEP_INTERVAL_MS);
    timer.unref();
    app.addHook('onReady', async () => void sweep());
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'registry-storage', dependencies: ['registry-db'] },
);
