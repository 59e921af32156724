import { ACTION_ROUTES, ACTION_SECRET_MASK } from '@chatty/contracts';
import { callerOf, newestFirstCursor, newestFirstPosition, notFound } from '@chatty/shared';
import {
  checkActionFields,
  mergeHeaders,
  mergeParameters,
  refuseMaskedSecrets,
} from '../../actions/action-input.js';
import { isSecretHeader, isSecretParameter, originOf } from '../../actions/secret-headers.js';
import { insertActionsUnderQuota, updateAction } from '../../actions/stored-action.js';
import { toAction } from '../../db/action.mapper.js';
import { deleteAction, listActions } from '../../db/action.repository.js';
import { toActionRun } from '../../db/action-run.mapper.js';
import { listActionRuns } from '../../db/action-run.repository.js';
import { findGpt } from '../../db/gpt.repository.js';
import type { RegistryRoutes } from '../registry-routes.js';
import { executeActionRoute } from './execute.route.js';
import { importActionsRoute } from './import.route.js';

export const actionRoutes: RegistryRoutes = async (app) => {
  const key = app.actionKey;
  app.addHook('preHandler', app.authenticate);

  app.post(
    '/api/gpts/:id/actions',
    {
      schema: {
        tags: ['actions'],
        summary:
          'Add an action to a GPT; the model calls it by `toolName`, derived from the name (409 QUOTA_EXCEEDED past QUOTA_ACTIONS_PER_GPT)',
        ...ACTION_ROUTES.create.schema,
      },
    },
    async (request, reply) => {
      const userId = callerOf(request).userId;
      const gpt = await findGpt(app.db, userId, request.params.id);
      if (!gpt) throw notFound('GPT');
      const body = request.body;
      const fields = checkActionFields({
        name: body.name,
        description: body.description ?? '',
        url: body.url,
        method: body.method ?? 'GET',
        headers: body.headers ?? {},
        parameters: body.parameters ?? {},
        arguments: body.arguments ?? [],
        isActive: body.isActive ?? true,
        confirmation: body.confirmation ?? 'auto',
      });
      refuseMaskedSecrets(fields);
      const [row] = await insertActionsUnderQuota(app, userId, gpt.id, [fields], key);
      request.log.info({ gptId: gpt.id, actionId: row!.id }, 'action created');
      return reply.code(201).send(toAction(row!));
    },
  );

  app.get(
    '/api/gpts/:id/actions',
    {
      schema: {
        tags: ['actions'],
        summary: "A GPT's actions (secret header values read ***)",
        ...ACTION_ROUTES.list.schema,
      },
    },
    async (request) => {
      const gpt = await findGpt(app.db, callerOf(request).userId, request.params.id);
      if (!gpt) throw notFound('GPT');
      return { items: (await listActions(app.db, gpt.id)).map(toAction) };
    },
  );

  app.put(
    '/api/gpts/actions/:actionId',
    {
      schema: {
        tags: ['actions'],
        summary:
          'Change an action; any subset of fields. Secrets left "***" are kept unless the host changes; a new name gives a new `toolName`',
        ...ACTION_ROUTES.update.schema,
      },
    },
    async (request) => {
      const body = request.body;
      const row = await updateAction(
        app.db,
        callerOf(request).userId,
        request.params.actionId,
        key,
        (current) => {
          const url = body.url ?? current.url;
          const originChanged = safeOrigin(url) !== originOf(current.url);
          return checkActionFields({
            name: body.name ?? current.name,
            description: body.description ?? current.description,
            url,
            method: body.method ?? current.method,
            headers: mergeHeaders(
              body.headers ?? maskSecrets(current.headers, isSecretHeader),
              current.headers,
              originChanged,
            ),
            parameters: mergeParameters(
              body.parameters ?? maskSecrets(current.parameters, isSecretParameter),
              current.parameters,
              originChanged,
            ),
            arguments: body.arguments ?? current.arguments,
            isActive: body.isActive ?? current.isActive,
            confirmation: body.confirmation ?? current.confirmation,
          });
        },
      );
      if (!row) throw notFound('Action');
      request.log.info({ actionId: row.id }, 'action updated');
      return toAction(row);
    },
  );

  app.delete(
    '/api/gpts/actions/:actionId',
    {
      schema: {
        tags: ['actions'],
        summary: 'Delete an action (its run history stays)',
        ...ACTION_ROUTES.delete.schema,
      },
    },
    async (request, reply) => {
      if (!(await deleteAction(app.db, callerOf(request).userId, request.params.actionId))) {
        throw notFound('Action');
      }
      request.log.info({ actionId: request.params.actionId }, 'action deleted');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/gpts/:id/actions/runs',
    {
      schema: {
        tags: ['actions'],
        summary: "A GPT's action executions, newest first (who, where, outcome; never secrets or bodies)",
        ...ACTION_ROUTES.runs.schema,
      },
    },
    async (request) => {
      const gpt = await findGpt(app.db, callerOf(request).userId, request.params.id);
      if (!gpt) throw notFound('GPT');
      const { limit, cursor } = request.query;
      const after = cursor === undefined ? undefined : newestFirstPosition(cursor);
      const page = await listActionRuns(app.db, gpt.id, { limit, after });
      const items = page.rows.map(toActionRun);
      return page.next ? { items, nextCursor: newestFirstCursor(page.next) } : { items };
    },
  );

  await app.register(executeActionRoute);
  await app.register(importActionsRoute);
};

/**
 * An update that leaves `headers` (or `parameters`) out keeps them: every secret as `***`, i.e. kept
 * unless the origin changes.
 */
function maskSecrets(
  values: Record<string, string>,
  isSecret: (name: string, value: string) => boolean,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, isSecret(name, value) ? ACTION_SECRET_MASK : value]),
  );
}

function safeOrigin(url: string): string | null {
  try {
    return originOf(url);
  } catch {
    return null;
  }
}
