import { RUNNER_INTERNAL_ROUTES } from '@chatty/contracts';
import { AppError, requireServiceToken } from '@chatty/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type ExecuteContext, executeRequest } from '../request/execute-request.js';

export interface ExecuteRouteOptions extends ExecuteContext {
  /** The credential its callers present (ACTION_RUNNER_TOKEN). */
  token: string;
}

/** `POST /internal/execute`: one action call, for the registry (which resolved the action and its secrets). */
export const executeRoute: FastifyPluginAsyncTypebox<ExecuteRouteOptions> = async (
  app,
  { token, ...context },
) => {
  app.post(
    '/internal/execute',
    {
      onRequest: requireServiceToken(token),
      schema: {
        hide: true,
        ...RUNNER_INTERNAL_ROUTES.execute.schema,
      },
    },
    async (request) => {
      // Host and path only: queries and headers may carry credentials.
      const target = safeTarget(request.body.url);
      try {
        const { finalUrl, ...result } = await executeRequest(request.body, context);
        request.log.info(
          {
            target,
            finalHost: finalUrl.host,
            status: result.status,
            bytes: Buffer.byteLength(result.body),
            durationMs: result.durationMs,
            truncated: result.truncated,
          },
          'action executed',
        );
        return result;
      } catch (error) {
        if (error instanceof AppError) {
          request.log.info({ target, code: error.code, reason: error.message }, 'action not executed');
        }
        throw error;
      }
    },
  );
};

function safeTarget(template: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)([^?#]*)/i.exec(template);
  return match ? `${match[1]}${match[2]}` : '(invalid URL)';
}
