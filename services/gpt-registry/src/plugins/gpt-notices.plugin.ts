import { GPT_CHANGE_NOTICES } from '@chatty/contracts';
import { ChangeNotices, type Logger } from '@chatty/shared';
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
    const notices = new ChangeNotices({
      url: app.registryConfig.DATABASE_URL,
      name: 'gpt-registry:gpt-changes',
      channel: GPT_CHANGE_NOTICES.channel,
      requires: GPT_CHANGE_NOTICES.trigger,
      logger: logger.child({ component: 'gpt-change-notices' }),
    });
    notices.start();
    app.addHook('onClose', () => notices.close());
    app.decorate('heldGpts', new HeldGpts(app.db, notices));
  },
  { name: 'registry-gpt-notices', dependencies: ['registry-config', 'registry-db'] },
);
