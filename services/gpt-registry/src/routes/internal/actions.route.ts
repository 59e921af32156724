import { REGISTRY_INTERNAL_ROUTES } from '@chatty/contracts';
import { notFound } from '@chatty/shared';
import { toRuntimeAction } from '../../db/action.mapper.js';
import { findActionGptId, listActions } from '../../db/action.repository.js';
import { findGptWithAccess } from '../../db/gpt.repository.js';
import type { Db } from '../../db/index.js';
import { visibleGpt } from '../gpts/visible-gpt.js';
import type { RegistryRoutes } from '../registry-routes.js';

/**
 * What the inference gateway needs for a chat with tools: the GPT with its active actions (never
 * their URLs, headers or secrets), and a way to run one for the user it is serving, through the same
 * path (decryption, action-runner, audit) as the public execute route.
 */
export const internalActionRoutes: RegistryRoutes = async (app) => {
  app.addHook('onRequest', app.checkServiceToken);
  const execute = app.executeAction;
  // The same per-user counter as the public execute route: a chat's tool calls are executions too.
  const limited = app.actionRateLimit((request) => (request.body as { userId: string }).userId);

  app.get(
    '/internal/gpts/:id/runtime',
    {
      schema: {
        hide: true,
        ...REGISTRY_INTERNAL_ROUTES.runtime.schema,
      },
    },
    async (request) => {
      // Checked on every call (each chat turn), so a removed share stops the next turn.
      const gpt = await visibleGpt(app.db, request.query.userId, request.params.id);
      const actions = await listActions(app.db, gpt.id, { activeOnly: true });
      return { gpt, actions: actions.map(toRuntimeAction) };
    },
  );

  app.post(
    '/internal/actions/:actionId/execute',
    {
      preHandler: limited,
      schema: {
        hide: true,
        ...REGISTRY_INTERNAL_ROUTES.executeAction.schema,
      },
    },
    async (request) =>
      execute({
        userId: request.body.userId,
        ownerId: await ownerForChat(app.db, request.body.userId, request.params.actionId),
        actionId: request.params.actionId,
        arguments: request.body.arguments ?? {},
        sessionId: request.body.sessionId,
        requestId: request.id,
        log: request.log,
      }),
  );
};

/**
 * The owner of the action's GPT when the user may chat with it (their own, shared, or in a catalogue
 * of theirs); 404 otherwise, as for a missing action. The action runs with the owner's secrets, which
 * never leave the registry.
 */
async function ownerForChat(db: Db, userId: string, actionId: string): Promise<string> {
  const gptId = await findActionGptId(db, actionId);
  const found = gptId && (await findGptWithAccess(db, userId, gptId));
  if (!found) throw notFound('Action');
  return found.gpt.user_id;
}
