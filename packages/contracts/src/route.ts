import type { Static, TSchema } from 'typebox';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route accepts and answers, as Fastify takes it in a route's `schema`. */
export interface RouteSchema {
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  /** Each status the route answers with, and its body; errors are `ErrorResponse`. */
  response: { [status: number]: TSchema };
}

/**
 * One route of a service: its method, its path (Fastify's `:name` for parameters), and its schema. A
 * service's route spreads `schema` into its own options, so what it validates and serialises is what
 * the contract says; test/contracts checks the OpenAPI document the origin serves against these.
 */
export interface RouteContract<S extends RouteSchema = RouteSchema> {
  method: Method;
  url: string;
  schema: S;
}

export function route<S extends RouteSchema>(method: Method, url: string, schema: S): RouteContract<S> {
  return { method, url, schema };
}

type SuccessStatus = 200 | 201 | 202 | 204;
type Response<R extends RouteContract> = R['schema']['response'];
type Success<R extends RouteContract> = Extract<keyof Response<R>, SuccessStatus>;

/** The body a route answers with when it succeeds (a union when it has several success statuses). */
export type AnswerOf<R extends RouteContract> = {
  [S in Success<R>]: Response<R>[S] extends TSchema ? Static<Response<R>[S]> : never;
}[Success<R>];

type Part<
  R extends RouteContract,
  K extends 'params' | 'querystring' | 'body',
> = R['schema'][K] extends TSchema ? Static<R['schema'][K]> : never;
export type ParamsOf<R extends RouteContract> = Part<R, 'params'>;
export type QueryOf<R extends RouteContract> = Part<R, 'querystring'>;
export type BodyOf<R extends RouteContract> = Part<R, 'body'>;

/** The path in OpenAPI's form: `/api/gpts/:id` → `/api/gpts/{id}`. */
export function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

/** A route's path with its `:name` parameters filled in, each encoded. */
export function pathOf<R extends RouteContract>(contract: R, params: Record<string, string> = {}): string {
  return contract.url.replace(/:(\w+)/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`${contract.method} ${contract.url}: no value for :${key}`);
    return encodeURIComponent(value);
  });
}
