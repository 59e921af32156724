import { errorResponses, Model } from '@chatty/contracts';
import Type from 'typebox';
import type { RegistryRoutes } from '../../registry-app.js';

export const modelRoutes: RegistryRoutes = async (app) => {
  app.get(
    '/api/models',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['models'],
        summary: 'The models of the models config that a GPT may use',
        response: { 200: Type.Object({ items: Type.Array(Model) }), ...errorResponses(401) },
      },
    },
    async () => ({
      items: app.models.models.map(({ id, key, role, kind, aliases }) => ({ id, key, role, kind, aliases })),
    }),
  );
};
