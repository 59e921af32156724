import type { ModelCatalog } from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The models a GPT may name (MODELS_CONFIG). */
    models: ModelCatalog;
  }
}

export const modelsPlugin = fp(
  async (app: FastifyInstance, { models }: { models: ModelCatalog }) => {
    app.decorate('models', models);
  },
  { name: 'registry-models' },
);
