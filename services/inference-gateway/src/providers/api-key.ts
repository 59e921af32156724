import { readFileSync } from 'node:fs';
import type { ModelDefinition } from '@chatty/shared';

class ApiKeyError extends Error {
  constructor(problems: string[]) {
    super(`Hosted model API keys:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ApiKeyError';
  }
}

/**
 * The API key of each hosted model, read once at start from the environment variable or file its
 * models.json entry names (the file wins over nothing, and models.json itself never holds a key).
 * Every model whose key is named but missing is listed at once, so the gateway fails fast.
 */
export function readApiKeys(
  models: ModelDefinition[],
  env: Record<string, string | undefined>,
): Map<string, string | undefined> {
  const keys = new Map<string, string | undefined>();
  const problems: string[] = [];
  for (const model of models) {
    if (model.provider === 'ollama' || model.kind === 'synth') continue;
    if (model.apiKeyEnv) {
      const value = env[model.apiKeyEnv]?.trim();
      if (!value) problems.push(`${model.key}: environment variable ${model.apiKeyEnv} is not set`);
      keys.set(model.id, value || undefined);
    } else if (model.apiKeyFile) {
      try {
        const value = readFileSync(model.apiKeyFile, 'utf8').trim();
        if (!value) problems.push(`${model.key}: ${model.apiKeyFile} is empty`);
        keys.set(model.id, value || undefined);
      } catch (error) {
        problems.push(
          `${model.key}: cannot read ${model.apiKeyFile} (${(error as NodeJS.ErrnoException).code})`,
        );
      }
    } else {
      keys.set(model.id, undefined);
    }
  }
  if (problems.length) throw new ApiKeyError(problems);
  return keys;
}
