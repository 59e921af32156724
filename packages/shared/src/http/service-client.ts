import {
  type AnswerOf,
  type BodyOf,
  type ParamsOf,
  pathOf,
  type QueryOf,
  type RouteContract,
} from '@chatty/contracts';
import { SERVICE_TOKEN_HEADER } from '../auth/service-token.js';
import { AppError } from '../errors.js';
import { REQUEST_ID_HEADER } from './request-id.js';

export interface ServiceClientOptions {
  /** Shown in errors and logs: "file-ingest", "action-runner"... */
  name: string;
  baseUrl: string;
  token: string;
  timeoutMs?: number;
}

export interface ServiceCall {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** The id of the request being served, so one id follows it across services. */
  requestId?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * A JSON client for another Chatty service's `/internal/*` routes. It carries the service token and
 * the request id; an unreachable service or a timeout becomes a 503 the caller can pass on, and the
 * other service's own error answers come back as the same AppError.
 */
export function createServiceClient(options: ServiceClientOptions) {
  return async function call<T>(request: ServiceCall): Promise<T> {
    const signals = [AbortSignal.timeout(request.timeoutMs ?? options.timeoutMs ?? 10_000)];
    if (request.signal) signals.push(request.signal);
    let response: Response;
    try {
      response = await fetch(new URL(request.path, options.baseUrl), {
        method: request.method ?? 'GET',
        headers: {
          [SERVICE_TOKEN_HEADER]: options.token,
          ...(request.requestId && { [REQUEST_ID_HEADER]: request.requestId }),
          ...(request.body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      if (request.signal?.aborted) throw error;
      throw new AppError(503, 'DEPENDENCY_UNAVAILABLE', `${options.name} is unavailable; retry shortly`, {
        'retry-after': '5',
      });
    }
    const text = await response.text();
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new AppError(
        response.status,
        error?.code ?? 'DEPENDENCY_ERROR',
        error?.message ?? `${options.name} answered ${response.status}`,
      );
    }
    return body as T;
  };
}

export type ServiceClient = ReturnType<typeof createServiceClient>;

/** A call of one route of another service, typed by its contract. */
export interface RouteCall<R extends RouteContract> {
  params?: ParamsOf<R>;
  query?: QueryOf<R>;
  body?: BodyOf<R>;
  requestId?: string | undefined;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Calls a route of another service by its contract (`@chatty/contracts`): the path, the method, the
 * body and the answer's type all come from it, so caller and callee cannot drift apart.
 */
export function callRoute<R extends RouteContract>(
  call: ServiceClient,
  contract: R,
  { params, query, body, ...options }: RouteCall<R>,
): Promise<AnswerOf<R>> {
  const search = query ? `?${new URLSearchParams(query as Record<string, string>)}` : '';
  return call<AnswerOf<R>>({
    method: contract.method,
    path: `${pathOf(contract, params as Record<string, string> | undefined)}${search}`,
    ...(body !== undefined && { body }),
    ...options,
  });
}
