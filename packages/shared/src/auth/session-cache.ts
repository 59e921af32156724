/**
 * Whether a session is live, as cached in Redis under the deployment's REDIS_PREFIX. The registry owns
 * the session record and is the only writer: `live:<userId>` for a few minutes after it read the row,
 * `ended` as soon as a session ends (before its row is marked) and for as long as a token can live.
 * Every service reads the same keys, so a sign-out holds at once on all of them.
 */
export const LIVE_SESSION_CACHE_SECONDS = 300;

export const ENDED_SESSION = 'ended';

export const sessionCacheKey = (prefix: string, sessionId: string) => `${prefix}:session:${sessionId}`;

export const liveSessionValue = (userId: string) => `live:${userId}`;

/** What a cached value says of a session claimed by `userId`: live, ended, or unknown (not cached). */
export function cachedLiveness(value: string | null, userId: string): boolean | undefined {
  if (value === ENDED_SESSION) return false;
  if (value?.startsWith('live:')) return value === liveSessionValue(userId);
  return undefined;
}
