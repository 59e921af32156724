import { gptChangeNotices, type Logger } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HeldGpts } from '../routes/gpts/held-gpts.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** `GET /api/gpts/:id` answers, held while the database's change notices vouch for them. */
    heldGpts: HeldGpts;
  }
}

/** The database's change notices about GPTs, heard on a connection of their own. */
export const gptNoticesPlugin = fp(
  async (app: FastifyInstance, { logger }: { logger: Logger }) => {
    const notices = gptChangeNotices(app.registryConfig.DATABASE_URL, 'gpt-registry:gpt-changes', logger);
    notices.start();
    app.addHook('onClose', () => notices.close());
    app.decorate('heldGpts', new HeldGpts(app.db, notices));
  },
  { name: 'registry-gpt-notices', dependencies: ['registry-config', 'registry-db'] },
);
