import { LogEnv, loadConfig, ServerLimitsEnv } from '@chatty/shared';
import Type, { type Static } from 'typebox';

export const WebEnv = Type.Object({
  /** The public origin: the one port people and programs use. */
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 5000 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  /**
   * The operators' listener: `/metrics` and `/health/ready` (the public port answers 404 for them).
   * Loopback by default: a container healthcheck reaches it from inside; 0.0.0.0 lets a scraper in
   * another container reach it too; publish only PORT.
   */
  OPS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 5001 }),
  OPS_HOST: Type.String({ default: '127.0.0.1' }),
  REGISTRY_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:5010' }),
  /** The inference-gateway: `/v1/*`, chat sessions, `/api/models`. Unset, chat is off and `/api/models` is the registry's. */
  GATEWAY_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Set when a TLS terminator or load balancer sits in front and its X-Forwarded-For is to be believed. */
  TRUST_PROXY: Type.String({ default: 'false' }),
  /**
   * Connections one address may hold open at once on PORT (behind a trusted proxy: requests in flight
   * per forwarded address). A browser opens six or so per origin; past the cap the next is answered 429.
   */
  MAX_CONNECTIONS_PER_IP: Type.Integer({ minimum: 1, default: 64 }),
  /** Connections in all on PORT; past it new ones are dropped. Keep it under the process's file limit. */
  MAX_CONNECTIONS: Type.Integer({ minimum: 1, default: 4096 }),
  ...ServerLimitsEnv,
  ...LogEnv,
});

export type WebConfig = Static<typeof WebEnv>;

export function loadWebConfig(env: Record<string, string | undefined> = process.env): WebConfig {
  return loadConfig(WebEnv, env);
}
