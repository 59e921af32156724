import { createLogger, createServiceApp, type Logger, parseTrustProxy, serverLimitsOf } from '@chatty/shared';
import fastifyStatic from '@fastify/static';
import type { WebConfig } from './config.js';
import { connectionCapPlugin } from './plugins/connection-cap.plugin.js';
import { openApiPlugin } from './plugins/openapi.plugin.js';
import { upstreamsPlugin } from './plugins/upstreams.plugin.js';
import type { Upstream } from './proxy.js';
import { staticSiteOptions } from './static-site.js';
import { trustedProxies } from './trusted-proxies.js';

/**
 * What the inference-gateway serves: chat sessions, model loading and status, token usage, the
 * OpenAI-compatible API.
 */
const GATEWAY_PREFIXES = [
  '/v1',
  '/api/sessions',
  '/api/gpts/:id/sessions',
  '/api/gpts/:id/load',
  '/api/models',
  '/api/usage/tokens',
];

export function upstreamsOf(config: WebConfig): Upstream[] {
  const upstreams: Upstream[] = [
    {
      name: 'gpt-registry',
      url: config.REGISTRY_URL,
      prefix: '/api',
      connections: 128,
      headersTimeoutMs: 60_000,
      bodyIdleTimeoutMs: 60_000,
    },
  ];
  const gateway = config.GATEWAY_URL;
  // The chat routes under /api belong to the gateway; the router prefers these longer, more specific
  // paths over the registry's /api/*.
  if (gateway) {
    for (const prefix of GATEWAY_PREFIXES) {
      upstreams.push({
        name: 'inference-gateway',
        url: gateway,
        prefix,
        // Each streamed answer holds a connection until its last token, so chat needs many more.
        connections: 1024,
        // The gateway opens a stream within 5 s (sse.ts); a non-streamed answer comes whole.
        headersTimeoutMs: 60_000,
        // A stream may pause while a model loads or an action runs; the gateway itself gives up on a
        // silent model after GENERATION_IDLE_TIMEOUT_MS (120 s), so this only catches a hung gateway.
        bodyIdleTimeoutMs: 600_000,
      });
    }
  }
  return upstreams;
}

/** The public origin: the UI's files and a reverse proxy of `/api/*` and `/v1/*` to the services. */
export async function buildWeb(config: WebConfig, overrides: { logger?: Logger } = {}) {
  const logger =
    overrides.logger ?? createLogger({ name: 'web', level: config.LOG_LEVEL, debug: config.DEBUG });
  const upstreams = upstreamsOf(config);
  const trustProxy = parseTrustProxy(config.TRUST_PROXY);
  const app = await createServiceApp({
    service: 'web',
    logger,
    trustProxy,
    limits: serverLimitsOf(config),
    // The public origin: its metrics and its upstreams' state are for operators only.
    opsListener: true,
    readiness: Object.fromEntries(upstreams.map((upstream) => [upstream.name, () => probe(upstream.url)])),
  });
  await app.register(connectionCapPlugin, {
    perAddress: config.MAX_CONNECTIONS_PER_IP,
    total: config.MAX_CONNECTIONS,
    isTrustedProxy: trustedProxies(trustProxy),
  });
  await app.register(upstreamsPlugin, { upstreams });
  await app.register(openApiPlugin, {
    sources: [
      { name: 'gpt-registry', url: config.REGISTRY_URL },
      ...(config.GATEWAY_URL ? [{ name: 'inference-gateway', url: config.GATEWAY_URL }] : []),
    ],
  });
  await app.register(fastifyStatic, staticSiteOptions());
  return app;
}

async function probe(url: string): Promise<void> {
  const response = await fetch(new URL('/health/live', url), { signal: AbortSignal.timeout(1500) });
  if (!response.ok) throw new Error(`answered ${response.status}`);
}

export type WebApp = Awaited<ReturnType<typeof buildWeb>>;
