import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { registerMergedOpenApi } from '../openapi-document.js';

/** `/api/openapi.json`: the union of the documents of the services that serve the public API. */
export const openApiPlugin = fp(
  async (app: FastifyInstance, { sources }: { sources: Array<{ name: string; url: string }> }) =>
    registerMergedOpenApi(app, sources),
  { name: 'web-openapi', dependencies: ['web-upstreams'] },
);
