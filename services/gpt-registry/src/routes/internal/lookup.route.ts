import { REGISTRY_INTERNAL_ROUTES } from '@chatty/contracts';
import { gptNamesByIds, usersByIds } from '../../db/lookup.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';

/**
 * Names for other services' reports: the inference gateway records token use by user and GPT id and
 * shows it to admins with the users' emails and the GPTs' names, and needs to know whether a caller is
 * an admin. Only what such a report shows; ids that are gone are simply absent.
 */
export const internalLookupRoutes: RegistryRoutes = async (app) => {
  app.addHook('onRequest', app.checkServiceToken);

  app.post(
    '/internal/lookup',
    {
      schema: {
        hide: true,
        ...REGISTRY_INTERNAL_ROUTES.lookup.schema,
      },
    },
    async (request) => {
      const { userIds, gptIds = [] } = request.body;
      const [users, gpts] = await Promise.all([usersByIds(app.db, userIds), gptNamesByIds(app.db, gptIds)]);
      return { users, gpts: gpts.map((gpt) => ({ id: gpt.id, name: gpt.name, userId: gpt.user_id })) };
    },
  );
};
