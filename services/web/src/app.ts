import { createLogger, createServiceApp, type Logger, parseTrustProxy } from '@chatty/shared';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { WebConfig } from './config.js';
import { registerMergedOpenApi } from './openapi-document.js';
import { registerUpstream, type Upstream } from './proxy.js';
import { staticSiteOptions } from './static-site.js';

/** What the inference-gateway serves: chat sessions, model loading and status, the OpenAI-compatible API. */
export const GATEWAY_PREFIXES = [
  '/v1',
  '/api/sessions',
  '/api/gpts/:id/sessions',
  '/api/gpts/:id/load',
  '/api/models',
];

export function upstreamsOf(config: WebConfig): Upstream[] {
  const upstreams: Upstream[] = [{ name: 'gpt-registry', url: config.REGISTRY_URL, prefix: '/api' }];
  const gateway = config.GATEWAY_URL;
  // The chat routes under /api belong to the gateway; the router prefers these longer, more specific
  // paths over the registry's /api/*.
  if (gateway) {
    for (const prefix of GATEWAY_PREFIXES) {
      // Each streamed answer holds a connection until its last token, so chat needs many more.
      upstreams.push({ name: 'inference-gateway', url: gateway, prefix, connections: 1024 });
    }
  }
  return upstreams;
}

/** The public origin: the UI's files and a reverse proxy of `/api/*` and `/v1/*` to the services. */
export async function buildWeb(config: WebConfig, overrides: { logger?: Logger } = {}) {
  const logger =
    overrides.logger ?? createLogger({ name: 'web', level: config.LOG_LEVEL, debug: config.DEBUG });
  const upstreams = upstreamsOf(config);
  const app = await createServiceApp({
    service: 'web',
    logger,
    trustProxy: parseTrustProxy(config.TRUST_PROXY),
    // The public origin: its metrics and its upstreams' state are for operators only.
    opsListener: true,
    readiness: Object.fromEntries(upstreams.map((upstream) => [upstream.name, () => probe(upstream.url)])),
  });
  for (const upstream of upstreams) await registerUpstream(app as unknown as FastifyInstance, upstream);
  registerMergedOpenApi(app as unknown as FastifyInstance, [
    { name: 'gpt-registry', url: config.REGISTRY_URL },
    ...(config.GATEWAY_URL ? [{ name: 'inference-gateway', url: config.GATEWAY_URL }] : []),
  ]);
  await app.register(fastifyStatic, staticSiteOptions());
  return app;
}

async function probe(url: string): Promise<void> {
  const response = await fetch(new URL('/health/live', url), { signal: AbortSignal.timeout(1500) });
  if (!response.ok) throw new Error(`answered ${response.status}`);
}

export type WebApp = Awaited<ReturnType<typeof buildWeb>>;
