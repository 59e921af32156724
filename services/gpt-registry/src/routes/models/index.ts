import { REGISTRY_ROUTES } from '@chatty/contracts';
import type { RegistryRoutes } from '../registry-routes.js';

export const modelRoutes: RegistryRoutes = async (app) => {
  app.get(
    '/api/models',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['models'],
        summary: 'The models of the models config that a GPT may use',
        ...REGISTRY_ROUTES.models.schema,
      },
    },
    async () => ({
      items: app.models.models.map(({ id, key, role, kind, aliases }) => ({ id, key, role, kind, aliases })),
    }),
  );
};
