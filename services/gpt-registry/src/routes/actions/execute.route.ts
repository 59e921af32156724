import { ACTION_ROUTES } from '@chatty/contracts';
import { callerOf } from '@chatty/shared';
import type { RegistryRoutes } from '../registry-routes.js';

export const executeActionRoute: RegistryRoutes = async (app) => {
  const execute = app.executeAction;
  const limited = app.actionRateLimit((request) => callerOf(request).userId);
  app.post(
    '/api/gpts/actions/:actionId/execute',
    {
      // After the instance's authenticate hook: the caller is known.
      preHandler: limited,
      schema: {
        tags: ['actions'],
        summary:
          "Run an action with arguments; `status` is the target's. A destination the egress policy refuses is 403 EGRESS_DENIED and nothing is sent",
        ...ACTION_ROUTES.execute.schema,
      },
    },
    async (request) =>
      execute({
        userId: callerOf(request).userId,
        actionId: request.params.actionId,
        arguments: request.body.arguments ?? {},
        requestId: request.id,
        log: request.log,
      }),
  );
};
