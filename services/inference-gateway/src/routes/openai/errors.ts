import { AppError, toErrorResponse } from '@chatty/shared';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** A refusal naming the request field at fault, which OpenAI's error body carries as `param`. */
class ParamError extends AppError {
  constructor(
    readonly param: string,
    code: string,
    message: string,
    statusCode = 400,
  ) {
    super(statusCode, code, message);
  }
}

export const invalidParam = (param: string, code: string, message: string) =>
  new ParamError(param, code, message);

/** OpenAI's `type` for a status: clients and their retry logic read it beside the status. */
function typeOf(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return status === 503 ? 'service_unavailable' : 'server_error';
  return 'invalid_request_error';
}

/** `/messages/0/role` (a validation error's path) as OpenAI names it: `messages[0].role`. */
const paramOfPath = (path: string) =>
  path
    .split('/')
    .filter(Boolean)
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : `${index ? '.' : ''}${part}`))
    .join('') || null;

function paramOf(error: unknown): string | null {
  if (error instanceof ParamError) return error.param;
  const validation = (error as FastifyError).validation?.[0];
  if (!validation) return null;
  const missing = (validation.params as { missingProperty?: string } | undefined)?.missingProperty;
  return paramOfPath([validation.instancePath, missing].filter(Boolean).join('/'));
}

/** The error body of `/v1`: OpenAI's `{error: {message, type, param, code}}`, our code kept as `code`. */
export function openAiError(error: Error): {
  statusCode: number;
  body: { error: { message: string; type: string; param: string | null; code: string } };
  headers: Record<string, string>;
} {
  const { statusCode, body, headers } = toErrorResponse(error);
  return {
    statusCode,
    headers,
    body: {
      error: {
        message: body.error.message,
        type: typeOf(statusCode),
        param: paramOf(error),
        code: body.error.code,
      },
    },
  };
}

/**
 * Every error of the `/v1` routes in OpenAI's shape — a missing key, a bad body, a busy pool — so
 * OpenAI's clients raise their typed errors with our message. The rest of the gateway keeps its own:
 * a fastify-plugin, so the handler is its caller's (the `/v1` routes' plugin), not the app's.
 */
export const openAiErrorsPlugin = fp(async (app: FastifyInstance) => installOpenAiErrors(app), {
  name: 'gateway-openai-errors',
});

function installOpenAiErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (request.raw.socket?.destroyed) return reply.code(499).send(openAiError(error).body);
    const { statusCode, body, headers } = openAiError(error);
    if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error.code, statusCode }, body.error.message);
    return reply.code(statusCode).headers(headers).send(body);
  });
}
