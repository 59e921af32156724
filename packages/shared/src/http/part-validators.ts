import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type ValidatorFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>['buildValidator'];
type AjvServerOptions = NonNullable<FastifyServerOptions['ajv']>;

/**
 * What every validator does, whatever the part: unknown properties dropped, defaults filled in, the
 * first error only (every error of a hostile body costs time). The formats are ajv-formats', which the
 * compiler adds as Fastify's default one does.
 */
export const AJV_OPTIONS = { removeAdditional: true, useDefaults: true, allErrors: false } as const;

/**
 * Fastify's validator (its own Ajv compiler, options and formats), with one Ajv per kind of part:
 * query strings, path parameters and headers are text, so `"5"` is coerced to a number where the
 * schema wants one (and a lone value to an array); a JSON body is typed already, so it is checked as
 * sent: `{"rating": "5"}` is a 400, not a 5. Fastify compiles each route's parts through this; one per
 * app, as Fastify's default (its pool keeps an Ajv per set of shared schemas and options).
 *
 * With a factory of its own, Fastify leaves header schemas as written instead of lowercasing their
 * property names, so one naming a header in capitals (never matched) is refused when compiled.
 */
export function partValidators(): ValidatorFactory {
  const pool = AjvCompiler();
  return (externalSchemas, ajv?: AjvServerOptions) => {
    const withCoercion = (coerceTypes: 'array' | false) =>
      pool(externalSchemas, {
        ...ajv,
        customOptions: { ...AJV_OPTIONS, ...ajv?.customOptions, coerceTypes },
      } as AjvServerOptions);
    const typed = withCoercion(false);
    const text = withCoercion('array');
    return (route) => {
      if (route.httpPart === 'headers') refuseCapitalHeaders(route.schema, route.url);
      return route.httpPart === 'body' ? typed(route) : text(route);
    };
  };
}

function refuseCapitalHeaders(schema: unknown, url: string | undefined) {
  const { properties = {}, required = [] } = schema as { properties?: object; required?: string[] };
  const named = [...Object.keys(properties), ...required].find((name) => name !== name.toLowerCase());
  if (named)
    throw new Error(`The header schema of ${url} names "${named}": header names are matched in lowercase`);
}
