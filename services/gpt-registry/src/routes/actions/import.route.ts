import { ACTION_ROUTES } from '@chatty/contracts';
import { callerOf, notFound } from '@chatty/shared';
import { checkActionFields } from '../../actions/action-input.js';
import { actionsFromOpenApi } from '../../actions/openapi-import.js';
import { insertActionsUnderQuota } from '../../actions/stored-action.js';
import { toAction } from '../../db/action.mapper.js';
import { findGpt } from '../../db/gpt.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';

export const importActionsRoute: RegistryRoutes = async (app) => {
  const key = app.actionKey;
  app.post(
    '/api/gpts/:id/actions/import',
    {
      schema: {
        tags: ['actions'],
        summary:
          'Import an OpenAPI 3 document (JSON or YAML) as one action per operation; all or nothing (409 past QUOTA_ACTIONS_PER_GPT)',
        ...ACTION_ROUTES.import.schema,
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const gpt = await findGpt(app.db, userId, request.params.id);
      if (!gpt) throw notFound('GPT');
      const { openapi } = request.body;
      const text = typeof openapi === 'string' ? openapi : JSON.stringify(openapi);
      const { actions, skipped } = await actionsFromOpenApi(text);
      const fields = actions.map((action) => checkActionFields(action.fields));
      const rows = await insertActionsUnderQuota(app, userId, gpt.id, fields, key);
      // One INSERT of many rows returns them in the order given.
      const secretsToSet = rows.flatMap((row, index) =>
        actions[index]!.secretHeaders.map((header) => ({ actionId: row.id, action: row.name, header })),
      );
      request.log.info({ gptId: gpt.id, imported: rows.length, skipped: skipped.length }, 'actions imported');
      return reply.code(201).send({ items: rows.map(toAction), secretsToSet, skipped });
    },
  );
};
