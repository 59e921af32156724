import {
  ActionResult,
  ArgumentValues,
  errorResponses,
  Gpt,
  IdParams,
  notFound,
  RuntimeAction,
  requireServiceToken,
  Uuid,
} from '@chatty/shared';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { toRuntimeAction } from '../../actions/action.mapper.js';
import { actionRateLimit } from '../../actions/action-rate-limit.js';
import type { ActionExecutor } from '../../actions/execute-action.js';
import { listActions } from '../../db/action.repository.js';
import { toGpt } from '../../db/gpt.mapper.js';
import { findGpt } from '../../db/gpt.repository.js';
import type { RegistryRoutes } from '../../registry-app.js';

/**
 * What the inference gateway needs for a chat with tools: the GPT with its active actions (never
 * their URLs, headers or secrets), and a way to run one for the user it is serving, through the same
 * path (decryption, action-runner, audit) as the public execute route.
 */
export const internalActionRoutes: RegistryRoutes<{
  token: string;
  execute: ActionExecutor;
  executionsPerMinute: number;
}> = async (app, { token, execute, executionsPerMinute }) => {
  app.addHook('onRequest', requireServiceToken(token));
  // The same per-user counter as the public execute route: a chat's tool calls are executions too.
  const limited = actionRateLimit(
    app as unknown as FastifyInstance,
    executionsPerMinute,
    (request) => (request.body as { userId: string }).userId,
  );

  app.get(
    '/internal/gpts/:id/runtime',
    {
      schema: {
        hide: true,
        params: IdParams,
        querystring: Type.Object({ userId: Uuid }),
        response: {
          200: Type.Object({ gpt: Gpt, actions: Type.Array(RuntimeAction) }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const gpt = await findGpt(app.db, request.query.userId, request.params.id);
      if (!gpt) throw notFound('GPT');
      const actions = await listActions(app.db, gpt.id, { activeOnly: true });
      return { gpt: toGpt(gpt), actions: actions.map(toRuntimeAction) };
    },
  );

  app.post(
    '/internal/actions/:actionId/execute',
    {
      preHandler: limited,
      schema: {
        hide: true,
        params: Type.Object({ actionId: Uuid }),
        body: Type.Object({
          userId: Uuid,
          arguments: Type.Optional(ArgumentValues),
          sessionId: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: ActionResult, ...errorResponses(400, 403, 404, 409, 429, 502, 503, 504) },
      },
    },
    async (request) =>
      execute({
        userId: request.body.userId,
        actionId: request.params.actionId,
        arguments: request.body.arguments ?? {},
        sessionId: request.body.sessionId,
        requestId: request.id,
        log: request.log,
      }),
  );
};
