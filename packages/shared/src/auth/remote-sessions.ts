import { REGISTRY_INTERNAL_ROUTES } from '@chatty/contracts';
import { callRoute, type ServiceClient } from '../http/service-client.js';

/**
 * `sessionIsLive` for services other than the registry: asks the registry, which owns the session
 * record and answers from its shared cache. Not cached here, so a sign-out holds at once everywhere.
 */
export function remoteSessionCheck(registry: ServiceClient) {
  return async (claims: { sessionId: string; userId: string }): Promise<boolean> => {
    const { live } = await callRoute(registry, REGISTRY_INTERNAL_ROUTES.session, { body: claims });
    return live;
  };
}
