import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import { isOpenAiPath, type OpenAiErrorBody, openAiError, openAiErrorBody } from './openai-errors.js';

interface ErrorBody {
  error: { code: string; message: string };
}

const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Fastify's own error codes, renamed into ours with a message a person can act on. */
const FASTIFY_ERRORS: Record<string, { code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'BAD_JSON', message: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'BAD_JSON',
    message: 'The request body is empty but Content-Type says JSON',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send the body as JSON (Content-Type: application/json); an upload as multipart/form-data',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST' },
  FST_ERR_BAD_URL: {
    code: 'BAD_URL',
    message: 'The path is not valid: a % in it must start a percent-encoded byte, like %25 for % itself',
  },
};

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * A dependency that is down or overloaded (connection refused, Postgres restarting or out of
 * connections): the caller may retry, so it is a 503, not a bug's 500.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') {
    const errors = (error as { errors?: unknown[] })?.errors;
    return Array.isArray(errors) && errors.length > 0 && errors.every(isDependencyUnavailable);
  }
  return UNREACHABLE.has(code) || /^(08|57P0|53300)/.test(code);
}

export function toErrorResponse(error: FastifyError | Error): {
  statusCode: number;
  body: ErrorBody;
  headers: Record<string, string>;
} {
  if (error instanceof AppError) {
    return {
      statusCode: error.statusCode,
      body: { error: { code: error.code, message: error.message } },
      headers: error.headers,
    };
  }
  const fastifyError = error as FastifyError;
  if (isDependencyUnavailable(error)) {
    return {
      statusCode: 503,
      body: {
        error: {
          code: 'DEPENDENCY_UNAVAILABLE',
          message: 'A service this request needs is unavailable; retry shortly',
        },
      },
      headers: { 'retry-after': '5' },
    };
  }
  if (fastifyError.validation) {
    return {
      statusCode: 400,
      body: { error: { code: 'VALIDATION_ERROR', message: error.message } },
      headers: {},
    };
  }
  const statusCode = fastifyError.statusCode ?? 500;
  if (statusCode >= 500) {
    return {
      statusCode,
      body: {
        error: { code: STATUS_CODES[statusCode] ?? 'INTERNAL_ERROR', message: 'Internal server error' },
      },
      headers: {},
    };
  }
  if (error instanceof SyntaxError && statusCode === 400) {
    return {
      statusCode,
      body: { error: { code: 'BAD_JSON', message: 'The request body is not valid JSON' } },
      headers: {},
    };
  }
  const known = fastifyError.code ? FASTIFY_ERRORS[fastifyError.code] : undefined;
  return {
    statusCode,
    body: {
      error: {
        code: known?.code ?? STATUS_CODES[statusCode] ?? 'BAD_REQUEST',
        message: known?.message ?? error.message,
      },
    },
    headers: {},
  };
}

/** The one error shape of every service; OpenAI's on the OpenAI-compatible paths. */
export function errorBodyFor(
  url: string,
  statusCode: number,
  error: { code: string; message: string },
): ErrorBody | OpenAiErrorBody {
  return isOpenAiPath(url) ? openAiErrorBody(statusCode, error) : { error };
}

/** The one error shape of every service (OpenAI's on `/v1`). */
export const errorHandlerPlugin = fp(async (app: FastifyInstance) => installErrorHandlers(app), {
  name: 'chatty-error-handler',
});

/**
 * Answers an error in the caller's shape. Also Fastify's `frameworkErrors`: the errors it raises
 * before any hook runs (a path that is not valid percent-encoding), which would otherwise go out in
 * Fastify's own shape.
 */
export function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // The client hung up, or its connection was cut (a body that came too slowly): the failure is the
  // missing body, not a broken dependency, and nobody is left to read an answer. 499 as nginx says.
  if (request.raw.socket?.destroyed) {
    request.log.info({ reason: error.message }, 'client connection closed before the answer');
    return reply.code(499).send(
      errorBodyFor(request.url, 499, {
        code: 'CLIENT_CLOSED',
        message: 'The client closed the connection',
      }),
    );
  }
  const { statusCode, body, headers } = isOpenAiPath(request.url)
    ? openAiError(error)
    : toErrorResponse(error);
  // A 5xx this code chose (an AppError: a target unreachable, a dependency said no) is an outcome with
  // its reason, not a bug: a warning, without a stack. Any other error that ends in 5xx is a bug.
  if (statusCode >= 500 && !(error instanceof AppError)) request.log.error({ err: error }, 'request failed');
  else if (statusCode >= 500) request.log.warn({ code: body.error.code, statusCode }, body.error.message);
  else request.log.info({ code: body.error.code, statusCode }, body.error.message);
  return reply.code(statusCode).headers(headers).send(body);
}

function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler(answerError);
  const routeNotFound = (request: FastifyRequest, reply: FastifyReply) =>
    reply.code(404).send(
      errorBodyFor(request.url, 404, {
        code: 'ROUTE_NOT_FOUND',
        message: `No route ${request.method} ${request.url.split('?')[0]}`,
      }),
    );
  app.setNotFoundHandler(routeNotFound);
  // Answered before the body is read: a path nobody serves is 404 whatever its body, never a 400 for
  // malformed JSON or a 413 that would tell a prober something about the route.
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return routeNotFound(request, reply);
  });
}
