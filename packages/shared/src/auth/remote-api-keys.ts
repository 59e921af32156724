import type { ServiceClient } from '../http/service-client.js';
import type { ApiKeyOwner } from './authenticate.js';

/**
 * `resolveApiKey` for services other than the registry: asks the registry's internal route. No cache,
 * on purpose: a revoked key must stop working at once on every service.
 */
export function remoteApiKeyResolver(registry: ServiceClient) {
  return async (key: string): Promise<ApiKeyOwner | null> => {
    try {
      return await registry<ApiKeyOwner>({ method: 'POST', path: '/internal/auth/api-key', body: { key } });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 401) return null;
      throw error;
    }
  };
}
