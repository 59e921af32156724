import { createServiceClient, type ServiceClient, serviceToken } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The action-runner, which sends actions' requests out. */
    actionRunner: ServiceClient;
    /** Removes a GPT's chat sessions (they live in the inference gateway); absent when none is deployed. */
    deleteGptSessions: ((gptId: string, requestId: string) => Promise<void>) | undefined;
  }
}

/** The services the registry calls, each with the token that opens its internal routes. */
export const clientsPlugin = fp(
  async (app: FastifyInstance, { secret }: { secret: string }) => {
    const { registryConfig: config } = app;
    // The runner bounds each call itself (ACTION_TIMEOUT_MS, at most 120 s); this only catches a hung runner.
    app.decorate(
      'actionRunner',
      createServiceClient({
        name: 'action-runner',
        baseUrl: config.ACTION_RUNNER_URL,
        token: serviceToken(secret, 'action-runner', config.ACTION_RUNNER_TOKEN),
        timeoutMs: 125_000,
      }),
    );
    const gateway = config.GATEWAY_URL
      ? createServiceClient({
          name: 'inference-gateway',
          baseUrl: config.GATEWAY_URL,
          token: serviceToken(secret, 'inference-gateway'),
        })
      : undefined;
    app.decorate(
      'deleteGptSessions',
      gateway
        ? async (gptId: string, requestId: string) => {
            await gateway({ method: 'DELETE', path: `/internal/gpts/${gptId}/sessions`, requestId });
          }
        : undefined,
    );
  },
  { name: 'registry-clients', dependencies: ['registry-config'] },
);
