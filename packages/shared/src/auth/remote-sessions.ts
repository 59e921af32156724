import { REGISTRY_INTERNAL_ROUTES } from '@chatty/contracts';
import type { ServiceClient } from '../http/service-client.js';
import { callRoute } from '../http/service-client.js';
import type { KeyReader } from '../redis/tracked-reads.js';
import { cachedLiveness, sessionCacheKey } from './session-cache.js';

type SessionClaims = { sessionId: string; userId: string };

/** Asks the registry, which owns the session record (and fills the shared cache as it answers). */
function remoteSessionCheck(registry: ServiceClient) {
  return async (claims: SessionClaims): Promise<boolean> => {
    const { live } = await callRoute(registry, REGISTRY_INTERNAL_ROUTES.session, { body: claims });
    return live;
  };
}

/**
 * `sessionIsLive` for services other than the registry: the registry's shared Redis cache first (read
 * through a TrackedReads, which Redis keeps true, so a sign-out holds at once everywhere), the registry
 * on a miss. A cache that cannot be read is not a reason to refuse: the registry answers from the rows.
 */
export function sharedSessionCheck(cache: { redis: KeyReader; prefix: string }, registry: ServiceClient) {
  const ask = remoteSessionCheck(registry);
  return async (claims: SessionClaims): Promise<boolean> => {
    const value = await cache.redis.get(sessionCacheKey(cache.prefix, claims.sessionId)).catch(() => null);
    return cachedLiveness(value, claims.userId) ?? ask(claims);
  };
}
