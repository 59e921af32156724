import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { GatewayConfig } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The validated environment: routes read their settings (QUOTA_SESSIONS, ...) here. */
    gatewayConfig: GatewayConfig;
  }
}

export const configPlugin = fp(
  async (app: FastifyInstance, { config }: { config: GatewayConfig }) => {
    app.decorate('gatewayConfig', config);
  },
  { name: 'gateway-config' },
);
