import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The registry's Postgres: users, keys, GPTs, files, actions (and file-ingest's chunks). */
    db: Db;
  }
}

/** `owned`: made by this app, so destroyed when it closes; a given one is its giver's to close. */
export const dbPlugin = fp(
  async (app: FastifyInstance, { db, owned }: { db: Db; owned: boolean }) => {
    app.decorate('db', db);
    if (owned) app.addHook('onClose', async () => db.destroy());
  },
  { name: 'registry-db' },
);
