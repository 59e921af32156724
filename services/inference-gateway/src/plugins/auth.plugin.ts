import {
  createSessionTokens,
  type Logger,
  remoteApiKeyResolver,
  sessionSigningKeys,
  authPlugin as sharedAuthPlugin,
  sharedSessionCheck,
  TrackedReads,
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
  async (
    app: FastifyInstance,
    { secret, redis, logger }: { secret: string; redis: Redis; logger: Logger },
  ) => {
    // The registry's cache, read through the process's memory and kept true by Redis.
    const reads = new TrackedReads(redis, logger.child({ component: 'tracked-reads' }), 'inference-gateway');
    app.addHook('onClose', () => reads.close());
    await app.register(sharedAuthPlugin, {
      sessions: createSessionTokens(sessionSigningKeys(app.gatewayConfig, secret)),
      sessionIsLive: sharedSessionCheck(
        { redis: reads, prefix: app.gatewayConfig.REDIS_PREFIX },
        app.registryClient,
      ),
      resolveApiKey: remoteApiKeyResolver(app.registryClient),
    });
  },
  { name: 'gateway-auth', dependencies: ['gateway-config', 'gateway-clients'] },
);
