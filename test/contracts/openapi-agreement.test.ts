import { type RouteContract, SERVICE_ROUTES } from '@chatty/contracts';
import { buildIngest, loadIngestConfig } from '@chatty/file-ingest';
import { TEST_REDIS_URL, tokensOf } from '@chatty/testkit';
import { buildWeb, loadWebConfig, mergeDocuments, type WebApp } from '@chatty/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRunner } from '../../services/action-runner/test/harness.js';
import { TEST_SECRET } from '../../services/gpt-registry/test/harness.js';
import { type GatewayHarness, startGateway, urlOf } from '../../services/inference-gateway/test/harness.js';
import {
  documentOfContracts,
  type OpenApiDocument,
  operationOf,
  operationsOf,
  shapeOf,
} from './openapi-document.js';

/*
 * The contracts (@chatty/contracts) against what the services serve: the OpenAPI document of the
 * public origin, route by route — parameters, body and every answer — and the internal routes of
 * each service. A route whose schema is written beside its handler instead of taken from its
 * contract, a route without a contract, or a contract without a route fails here.
 */

const isPublic = (route: RouteContract) => !route.url.startsWith('/internal/');

let harness: GatewayHarness;
let web: WebApp;
let served: OpenApiDocument;
let expected: OpenApiDocument;

beforeAll(async () => {
  harness = await startGateway([
    { models: ['phi3', 'mistral', 'deepseek-coder'], reply: () => ({ tokens: tokensOf('ok') }) },
  ]);
  web = await buildWeb(
    loadWebConfig({
      REGISTRY_URL: urlOf(harness.registry.app.server),
      GATEWAY_URL: harness.url,
      LOG_LEVEL: 'silent',
    }),
  );
  await web.listen({ port: 0, host: '127.0.0.1' });
  served = (await (await fetch(`${urlOf(web.server)}/api/openapi.json`)).json()) as OpenApiDocument;
  // The origin merges the registry's document, then the gateway's (which wins where both have a route).
  expected = mergeDocuments([
    await documentOfContracts(SERVICE_ROUTES['gpt-registry'].filter(isPublic)),
    await documentOfContracts(SERVICE_ROUTES['inference-gateway'].filter(isPublic)),
  ]) as OpenApiDocument;
}, 60_000);

afterAll(async () => {
  await web?.close();
  await harness?.close();
});

describe('the OpenAPI document the origin serves and the contracts', () => {
  it('name the same routes', () => {
    const documented = operationsOf(served).sort();
    expect(documented.length).toBeGreaterThan(60);
    expect(documented).toEqual(operationsOf(expected).sort());
  });

  it('agree on every route’s parameters, body and answers', () => {
    const disagreements = operationsOf(served).flatMap((operation) => {
      const [method, path] = operation.split(' ') as [string, string];
      const actual = shapeOf(served, path, method.toLowerCase());
      const contract = shapeOf(expected, path, method.toLowerCase());
      return JSON.stringify(actual) === JSON.stringify(contract) ? [] : [{ operation, actual, contract }];
    });
    expect(disagreements).toEqual([]);
  });

  it('would notice a changed field: the comparison is not blind', async () => {
    const { GPT_ROUTES } = await import('@chatty/contracts');
    const changed = structuredClone(GPT_ROUTES.get) as RouteContract;
    (changed.schema.response[200] as { properties: Record<string, unknown> }).properties.extra = {
      type: 'string',
    };
    const document = await documentOfContracts([changed]);
    expect(JSON.stringify(shapeOf(document, '/api/gpts/{id}', 'get'))).not.toBe(
      JSON.stringify(shapeOf(served, '/api/gpts/{id}', 'get')),
    );
    expect(operationOf(changed)).toBe('GET /api/gpts/{id}');
  });
});

describe('the internal routes and the contracts', () => {
  it('every internal contract is a route of its service', async () => {
    const runner = await startRunner({});
    const ingest = await buildIngest(
      loadIngestConfig({
        DATABASE_URL: harness.registry.database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: harness.registry.queuePrefix,
        SECRET_KEY: TEST_SECRET,
        LOG_LEVEL: 'silent',
        INGEST_WORKER: 'false',
        ...harness.registry.s3.env,
      }),
    );
    // Ready with its Redis connected: a queue closed while it still connects rejects late.
    expect((await ingest.inject({ url: '/health/ready' })).statusCode).toBe(200);
    try {
      const apps = {
        'gpt-registry': harness.registry.app,
        'inference-gateway': harness.gateway,
        'file-ingest': ingest,
        'action-runner': runner,
      } as const;
      const missing = Object.entries(apps).flatMap(([service, app]) =>
        SERVICE_ROUTES[service as keyof typeof apps]
          .filter((route) => !isPublic(route))
          .filter((route) => !app.hasRoute({ method: route.method, url: route.url }))
          .map((route) => `${service}: ${route.method} ${route.url}`),
      );
      expect(missing).toEqual([]);
    } finally {
      await Promise.all([runner.close(), ingest.close()]);
    }
  });
});
