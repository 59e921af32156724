import { createServiceClient, type ServiceClient, serviceToken } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { WebSearchDeps } from '../chat/web-search.js';
import { type IngestApi, ingestApi } from '../clients/ingest.client.js';
import { type RegistryApi, registryApi } from '../clients/registry.client.js';
import { actionRunnerPageReader } from '../search/page-reader.js';
import { searxng } from '../search/searxng.client.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The registry's internal routes: GPT runtimes, users' roles and names. */
    registryApi: RegistryApi;
    /** The same routes, raw: what auth.plugin.ts asks about sessions and API keys. */
    registryClient: ServiceClient;
    /** file-ingest's retrieval; answers nothing when INGEST_URL is unset. */
    ingestApi: IngestApi;
    /** Web search and page reading, when SEARXNG_URL (and ACTION_RUNNER_URL to read pages) are set. */
    webSearch: WebSearchDeps | undefined;
  }
}

/** How much of a web page the model reads (about 1500 tokens). */
const PAGE_CHARS = 6000;

/** The services the gateway calls, each with the token that opens its internal routes. */
export const clientsPlugin = fp(
  async (app: FastifyInstance, { secret }: { secret: string }) => {
    const { gatewayConfig: config } = app;
    const registryClient = createServiceClient({
      name: 'gpt-registry',
      baseUrl: config.REGISTRY_URL,
      token: serviceToken(secret, 'gpt-registry'),
    });
    const ingestClient = config.INGEST_URL
      ? createServiceClient({
          name: 'file-ingest',
          baseUrl: config.INGEST_URL,
          token: serviceToken(secret, 'file-ingest', config.INGEST_SERVICE_TOKEN),
        })
      : undefined;
    app.decorate('registryClient', registryClient);
    app.decorate('registryApi', registryApi(registryClient));
    app.decorate('ingestApi', ingestApi(ingestClient));
    app.decorate(
      'webSearch',
      config.SEARXNG_URL
        ? {
            search: searxng(config.SEARXNG_URL, config.WEB_SEARCH_RESULTS),
            ...(config.ACTION_RUNNER_URL && {
              reader: actionRunnerPageReader(
                createServiceClient({
                  name: 'action-runner',
                  baseUrl: config.ACTION_RUNNER_URL,
                  token: serviceToken(secret, 'action-runner', config.ACTION_RUNNER_TOKEN),
                }),
                PAGE_CHARS,
              ),
            }),
          }
        : undefined,
    );
  },
  { name: 'gateway-clients', dependencies: ['gateway-config'] },
);
