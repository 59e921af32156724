import {
  cachedLiveness,
  ENDED_SESSION,
  LIVE_SESSION_CACHE_SECONDS,
  type Logger,
  liveSessionValue,
  type SessionTokens,
  sessionCacheKey,
  type TrackedKeyReader,
} from '@chatty/shared';
import type { Redis } from 'ioredis';
import type { Db } from '../db/index.js';
import {
  insertSession,
  listLiveSessions,
  markSessionsEnded,
  sessionIsLive,
} from '../db/user-session.repository.js';

export interface SessionRecord {
  /** Records a new session for the user and answers its token. */
  start(userId: string, userAgent: string | undefined): Promise<string>;
  isLive(claims: { sessionId: string; userId: string }): Promise<boolean>;
  /** Ends the listed sessions of a user (the others' ids are ignored); answers how many it ended. */
  end(userId: string, sessionIds: string[]): Promise<number>;
  /** Ends every live session of a user but `keep` (the caller's own, after a password change). */
  endAll(userId: string, keep?: string): Promise<number>;
}

/**
 * Sessions live in Postgres (`user_session`): the record of which tokens still count. Every request
 * checks it, so the answer is cached in Redis, shared by the replicas and read by the other services
 * too (`@chatty/shared`'s session-cache): `live` for a few minutes (the longest a session could
 * outlive a lost revocation write), `ended` for as long as a token can live. Ending a session writes `ended` to Redis first and the row
 * second: if the row cannot be written the session is still ended (and the caller told to retry); if
 * Redis cannot be written nothing changes and the caller is told so. A cache that lost its data is
 * filled again from the rows.
 */
export function createSessionRecord(deps: {
  db: Db;
  /** Writes the cache. */
  redis: Redis;
  /** Reads it (TrackedReads: from memory while Redis says nothing changed). */
  reads: TrackedKeyReader;
  prefix: string;
  tokens: SessionTokens;
  /** Live sessions a user keeps; starting one more ends the oldest. */
  maxPerUser: number;
  log: Logger;
}): SessionRecord {
  const { db, redis, tokens } = deps;
  const cacheKey = (sessionId: string) => sessionCacheKey(deps.prefix, sessionId);
  const endedSeconds = Math.ceil(tokens.ttlMs / 1000);

  async function cached(sessionId: string): Promise<string | null> {
    try {
      return await deps.reads.get(cacheKey(sessionId));
    } catch (error) {
      // Without the cache every check reads the row: slower, never wrong.
      deps.log.warn({ err: error }, 'session cache unavailable; reading the session record');
      return null;
    }
  }

  async function markEnded(ids: string[]) {
    if (ids.length === 0) return;
    const batch = redis.multi();
    for (const id of ids) batch.set(cacheKey(id), ENDED_SESSION, 'EX', endedSeconds);
    await batch.exec();
    for (const id of ids) deps.reads.forget(cacheKey(id));
  }

  /** Ends the user's oldest live sessions past the newest `maxPerUser`, so their list stays short. */
  async function endOldest(userId: string) {
    const beyond = (await listLiveSessions(db, userId)).slice(deps.maxPerUser).map((row) => row.id);
    if (beyond.length === 0) return;
    await markEnded(beyond);
    await markSessionsEnded(db, userId, beyond);
  }

  return {
    async start(userId, userAgent) {
      const row = await insertSession(db, {
        userId,
        userAgent: userAgent?.slice(0, 200) ?? null,
        expiresAt: new Date(Date.now() + tokens.ttlMs),
      });
      // The new session is good either way: an oldest one left live until the next sign-in harms no one.
      await endOldest(userId).catch((error: unknown) =>
        deps.log.warn({ err: error }, 'could not end the oldest sessions past SESSION_MAX_PER_USER'),
      );
      return tokens.sign(userId, row.id);
    },
    async isLive({ sessionId, userId }) {
      const hit = cachedLiveness(await cached(sessionId), userId);
      if (hit !== undefined) return hit;
      const live = await sessionIsLive(db, sessionId, userId);
      // An ended session is cached with the longer lifetime; a missing one (a forged id cannot pass the
      // signature, so this is a pruned row) is simply ended too.
      await redis
        .set(
          cacheKey(sessionId),
          live ? liveSessionValue(userId) : ENDED_SESSION,
          'EX',
          live ? LIVE_SESSION_CACHE_SECONDS : endedSeconds,
        )
        .catch(() => undefined);
      return live;
    },
    async end(userId, sessionIds) {
      const own = (await listLiveSessions(db, userId))
        .map((row) => row.id)
        .filter((id) => sessionIds.includes(id));
      await markEnded(own);
      return (await markSessionsEnded(db, userId, own)).length;
    },
    async endAll(userId, keep) {
      const ids = (await listLiveSessions(db, userId)).map((row) => row.id).filter((id) => id !== keep);
      await markEnded(ids);
      return (await markSessionsEnded(db, userId, ids)).length;
    },
  };
}
