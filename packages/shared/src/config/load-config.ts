import type { Static, TObject } from 'typebox';
import Value from 'typebox/value';

/** Thrown when the environment does not satisfy a service's schema; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the keys a schema declares from `env`, applies defaults, converts strings to the declared
 * types, and validates. Values are never echoed in errors: some of them are secrets.
 */
export function loadConfig<T extends TObject>(schema: T, env: Record<string, string | undefined>): Static<T> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const converted = Value.Convert(schema, Value.Default(schema, picked));
  const problems = Value.Errors(schema, converted).map((error) => {
    const key = error.instancePath.replace(/^\//, '') || missingKey(error.params);
    return `${key}: ${error.message}`;
  });
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return converted as Static<T>;
}

function missingKey(params: object): string {
  const required = (params as { requiredProperties?: string[] }).requiredProperties;
  return required?.join(', ') ?? '(root)';
}
