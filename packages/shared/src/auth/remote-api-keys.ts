import { type ApiKeyOwner, REGISTRY_INTERNAL_ROUTES } from '@chatty/contracts';
import { callRoute, type ServiceClient } from '../http/service-client.js';

/**
 * `resolveApiKey` for services other than the registry: asks the registry's internal route. No cache,
 * on purpose: a revoked key must stop working at once on every service.
 */
export function remoteApiKeyResolver(registry: ServiceClient) {
  return async (key: string): Promise<ApiKeyOwner | null> => {
    try {
      return await callRoute(registry, REGISTRY_INTERNAL_ROUTES.apiKey, { body: { key } });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 401) return null;
      throw error;
    }
  };
}
