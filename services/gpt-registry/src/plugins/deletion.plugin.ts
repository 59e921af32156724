import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { scheduleStaleDeleteSweep } from '../deletion/stale-deletes.js';

/** Finishes the GPT deletes a crash left half done (see sweepStaleDeletes). */
export const deletionPlugin = fp(
  async (app: FastifyInstance) => {
    const stop = scheduleStaleDeleteSweep({
      db: app.db,
      storage: app.storage,
      deleteGptSessions: app.deleteGptSessions,
      log: app.log.child({ component: 'stale-deletes' }),
    });
    app.addHook('onClose', async () => stop());
  },
  { name: 'registry-deletion', dependencies: ['registry-db', 'registry-storage', 'registry-clients'] },
);
