import type { ServiceClient } from '../http/service-client.js';

/**
 * `resolveApiKey` for services other than the registry: asks the registry's internal route. No cache,
 * on purpose: a revoked key must stop working at once on every service.
 */
export function remoteApiKeyResolver(registry: ServiceClient) {
  return async (key: string): Promise<string | null> => {
    try {
      const { userId } = await registry<{ userId: string }>({
        method: 'POST',
        path: '/internal/auth/api-key',
        body: { key },
      });
      return userId;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 401) return null;
      throw error;
    }
  };
}
