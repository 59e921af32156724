import {
  createSessionTokens,
  remoteApiKeyResolver,
  remoteSessionCheck,
  sessionSigningKeys,
  authPlugin as sharedAuthPlugin,
} from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Who the caller is: session tokens are verified here with the registry's signing keys; whether a
 * session is still live, and whose an API key is, the registry answers.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, { secret }: { secret: string }) => {
    await app.register(sharedAuthPlugin, {
      sessions: createSessionTokens(sessionSigningKeys(app.gatewayConfig, secret)),
      sessionIsLive: remoteSessionCheck(app.registryClient),
      resolveApiKey: remoteApiKeyResolver(app.registryClient),
    });
  },
  { name: 'gateway-auth', dependencies: ['gateway-config', 'gateway-clients'] },
);
