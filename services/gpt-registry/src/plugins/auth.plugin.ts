import {
  createSessionTokens,
  hashApiKey,
  type Logger,
  type SessionTokens,
  sessionSigningKeys,
  authPlugin as sharedAuthPlugin,
  TrackedReads,
} from '@chatty/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { requireAdmin } from '../auth/require-admin.js';
import { createSessionRecord, type SessionRecord } from '../auth/session-record.js';
import { resolveApiKeyOwner } from '../db/api-key.repository.js';

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionTokens;
    /** Which sessions still count (sign-out, password change, an admin end them). */
    sessionRecord: SessionRecord;
    /** preHandler (after `authenticate`) of the admin routes: the caller must be an admin. */
    requireAdmin(request: FastifyRequest): Promise<void>;
  }
}

/** Who the caller is: session tokens and their record, API keys, and the admin check. */
export const authPlugin = fp(
  async (app: FastifyInstance, { secret, logger }: { secret: string; logger: Logger }) => {
    const { registryConfig: config, db } = app;
    app.decorate('sessions', createSessionTokens(sessionSigningKeys(config, secret), config.SESSION_TTL));
    // Session checks read the shared cache through the process's memory, kept true by Redis.
    const reads = new TrackedReads(app.redis, logger.child({ component: 'tracked-reads' }), 'gpt-registry');
    app.addHook('onClose', () => reads.close());
    app.decorate(
      'sessionRecord',
      createSessionRecord({
        db,
        redis: app.redis,
        reads,
        prefix: config.REDIS_PREFIX,
        tokens: app.sessions,
        maxPerUser: config.SESSION_MAX_PER_USER,
        log: logger.child({ component: 'sessions' }),
      }),
    );
    await app.register(sharedAuthPlugin, {
      sessions: app.sessions,
      sessionIsLive: (claims) => app.sessionRecord.isLive(claims),
      resolveApiKey: (key) => resolveApiKeyOwner(db, hashApiKey(key)),
    });
    app.decorate('requireAdmin', requireAdmin(db));
  },
  { name: 'registry-auth', dependencies: ['registry-config', 'registry-db', 'registry-redis'] },
);
