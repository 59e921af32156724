import {
  createSessionTokens,
  remoteApiKeyResolver,
  sessionSigningKeys,
  authPlugin as sharedAuthPlugin,
  sharedSessionCheck,
} from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';

/**
 * Who the caller is: session tokens are verified here with the registry's signing keys; whether a
 * session is still live is read from the registry's cache in the shared Redis (the registry itself
 * on a miss); whose an API key is, the registry answers.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, { secret, redis }: { secret: string; redis: Redis }) => {
    await app.register(sharedAuthPlugin, {
      sessions: createSessionTokens(sessionSigningKeys(app.gatewayConfig, secret)),
      sessionIsLive: sharedSessionCheck(
        { redis, prefix: app.gatewayConfig.REDIS_PREFIX },
        app.registryClient,
      ),
      resolveApiKey: remoteApiKeyResolver(app.registryClient),
    });
  },
  { name: 'gateway-auth', dependencies: ['gateway-config', 'gateway-clients'] },
);
