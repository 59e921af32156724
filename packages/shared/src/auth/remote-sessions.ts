import { REGISTRY_INTERNAL_ROUTES } from '@chatty/contracts';
import type { ServiceClient } from '../http/service-client.js';
import { callRoute } from '../http/service-client.js';
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
 * `sessionIsLive` for services other than the registry: the registry's shared Redis cache first (one
 * GET, where a call to the registry would make that same GET and a round trip more), the registry on a
 * miss. Nothing is cached in the process, so a sign-out holds at once everywhere. A cache that cannot
 * be read is not a reason to refuse: the registry answers from the rows.
 */
export function sharedSessionCheck(
  cache: { redis: { get(key: string): Promise<string | null> }; prefix: string },
  registry: ServiceClient,
) {
  const ask = remoteSessionCheck(registry);
  return async (claims: SessionClaims): Promise<boolean> => {
    const value = await cache.redis.get(sessionCacheKey(cache.prefix, claims.sessionId)).catch(() => null);
    return cachedLiveness(value, claims.userId) ?? ask(claims);
  };
}
