import type { FastifyError } from 'fastify';
import { AppError } from '../errors.js';
import { toErrorResponse } from './error-handler.js';

/** OpenAI's error body: `{error: {message, type, param, code}}`, our code kept as `code`. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/**
 * The OpenAI-compatible API's paths. Every error answered on them — by the gateway, or by the origin
 * itself (a body too large, too many connections, the gateway unreachable) — takes OpenAI's shape, so
 * OpenAI's clients raise their typed errors with our message.
 */
export const isOpenAiPath = (url: string) => url.startsWith('/v1/') || url === '/v1';

/** A refusal naming the request field at fault, which OpenAI's error body carries as `param`. */
class ParamError extends AppError {
  constructor(
    readonly param: string,
    code: string,
    message: string,
  ) {
    super(400, code, message);
  }
}

export const invalidParam = (param: string, code: string, message: string) =>
  new ParamError(param, code, message);

/** OpenAI's `type` for a status: clients and their retry logic read it beside the status. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return status === 503 ? 'service_unavailable' : 'server_error';
  return 'invalid_request_error';
}

export function openAiErrorBody(
  statusCode: number,
  { code, message }: { code: string; message: string },
  param: string | null = null,
): OpenAiErrorBody {
  return { error: { message, type: openAiErrorType(statusCode), param, code } };
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

/** toErrorResponse, in OpenAI's shape. */
export function openAiError(error: Error): {
  statusCode: number;
  body: OpenAiErrorBody;
  headers: Record<string, string>;
} {
  const { statusCode, body, headers } = toErrorResponse(error);
  return { statusCode, headers, body: openAiErrorBody(statusCode, body.error, paramOf(error)) };
}
