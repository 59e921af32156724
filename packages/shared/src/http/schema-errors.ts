import type { FastifySchemaValidationError } from 'fastify';

/**
 * Fastify's `schemaErrorFormatter`, as Fastify words errors (`body/name must NOT have fewer than 1
 * characters`) but for a field that must be one of a few values: a union of literals fails each
 * branch, which reads `must be equal to constant` once per value and then `must match a schema in
 * anyOf`; it says `must be one of: "GET", "POST"` instead, as does an `enum`.
 */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const messages: string[] = [];
  const named = new Set<string>();
  for (const error of errors) {
    const path = error.instancePath ?? '';
    const allowed = allowedValuesAt(errors, path);
    if (allowed && (error.keyword === 'const' || error.keyword === 'anyOf' || error.keyword === 'enum')) {
      if (named.has(path)) continue;
      named.add(path);
      messages.push(
        `${dataVar}${path} must be one of: ${allowed.map((value) => JSON.stringify(value)).join(', ')}`,
      );
    } else {
      messages.push(`${dataVar}${path} ${error.message}`);
    }
  }
  return new Error(messages.join(', '));
}

/** The values allowed at `path` when every error there says only which values those are. */
function allowedValuesAt(errors: FastifySchemaValidationError[], path: string): unknown[] | undefined {
  const here = errors.filter((error) => (error.instancePath ?? '') === path);
  const allowed: unknown[] = [];
  for (const error of here) {
    const params = error.params as { allowedValue?: unknown; allowedValues?: unknown[] };
    if (error.keyword === 'const') allowed.push(params.allowedValue);
    else if (error.keyword === 'enum' && Array.isArray(params.allowedValues))
      allowed.push(...params.allowedValues);
    else if (error.keyword !== 'anyOf') return undefined;
  }
  return allowed.length > 0 ? allowed : undefined;
}
