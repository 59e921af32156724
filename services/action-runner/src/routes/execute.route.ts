import { RUNNER_INTERNAL_ROUTES } from '@chatty/contracts';
import { AppError } from '@chatty/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { executeRequest } from '../request/execute-request.js';

/** `POST /internal/execute`: one action call, for the registry (which resolved the action and its secrets). */
export const executeRoute: FastifyPluginAsyncTypebox = async (app) => {
  const context = app.execution;
  app.post(
    '/internal/execute',
    {
      // The callers' credential: ACTION_RUNNER_TOKEN.
      onRequest: app.checkServiceToken,
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
