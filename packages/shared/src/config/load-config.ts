import type { Static, TObject } from 'typebox';
import Value from 'typebox/value';
import { readFileVariables } from './file-variables.js';
import { applyUrlPasswords } from './url-password.js';

/** Thrown when the environment does not satisfy a service's schema; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the keys a schema declares from `env` (or, for any of them, from the file `<KEY>_FILE`
 * names), applies defaults, puts `urlPassword` keys into their URLs, converts strings to the declared
 * types, and validates. Values are never echoed in errors: some of them are secrets.
 */
export function loadConfig<T extends TObject>(schema: T, env: Record<string, string | undefined>): Static<T> {
  const keys = Object.keys(schema.properties);
  const files = readFileVariables(keys, env);
  const picked: Record<string, unknown> = {};
  for (const key of keys) {
    const value = files.env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const defaulted = Value.Default(schema, picked) as Record<string, unknown>;
  const passwordProblems = applyUrlPasswords(schema, defaulted);
  const converted = Value.Convert(schema, defaulted);
  const schemaProblems = Value.Errors(schema, converted).map((error) => {
    const key = error.instancePath.replace(/^\//, '') || missingKey(error.params);
    // Which variable held the bad value tells the operator where to look.
    const source = files.fromFile.get(key);
    return `${source ? `${key} (from ${source})` : key}: ${error.message}`;
  });
  const problems = [...files.problems, ...passwordProblems, ...schemaProblems];
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return converted as Static<T>;
}

function missingKey(params: object): string {
  const required = (params as { requiredProperties?: string[] }).requiredProperties;
  return required?.join(', ') ?? '(root)';
}
