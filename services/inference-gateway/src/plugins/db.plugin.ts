import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/schema.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The gateway's Postgres: chat sessions, their messages, token usage. */
    chatDb: Db;
  }
}

/** `owned`: made by this app, so destroyed when it closes; a given one is its giver's to close. */
export const dbPlugin = fp(
  async (app: FastifyInstance, { db, owned }: { db: Db; owned: boolean }) => {
    app.decorate('chatDb', db);
    if (owned) app.addHook('onClose', async () => db.destroy());
  },
  { name: 'gateway-db' },
);
