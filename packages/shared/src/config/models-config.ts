import { readFileSync } from 'node:fs';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';

/**
 * One entry of `models.json`. The seed's format (`{ "coding": { "tag", "role" } }`) is valid as is;
 * the other fields are optional extensions.
 */
const ModelEntrySchema = Type.Object({
  tag: Type.String({ minLength: 1 }),
  role: Type.String(),
  kind: Type.Optional(Type.Union([Type.Literal('ollama'), Type.Literal('synth')])),
  aliases: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  fallback: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  options: Type.Optional(
    Type.Object({
      temperature: Type.Optional(Type.Number()),
      num_ctx: Type.Optional(Type.Integer({ minimum: 256 })),
    }),
  ),
  keepAlive: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  /** `synth` only: the member models whose answers are merged, and the model that merges them. */
  members: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  synthesizer: Type.Optional(Type.String({ minLength: 1 })),
  /**
   * Who serves the model: the Ollama workers (the default), or a hosted API speaking OpenAI's chat
   * completions (OpenAI, vLLM, llama.cpp's server, LM Studio, LiteLLM) or Anthropic's Messages API.
   */
  provider: Type.Optional(
    Type.Union([Type.Literal('ollama'), Type.Literal('openai-compatible'), Type.Literal('anthropic')]),
  ),
  /** Hosted providers: the API's base URL (`https://api.openai.com/v1`; Anthropic's is the default). */
  baseUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Hosted providers: the API key, read from this environment variable or this file (never written here). */
  apiKeyEnv: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' })),
  apiKeyFile: Type.Optional(Type.String({ minLength: 1 })),
  /** Hosted providers: the model's name at the provider, when it differs from `tag`. */
  upstreamModel: Type.Optional(Type.String({ minLength: 1 })),
  /** Hosted providers: the context window the prompt is fitted to (Ollama models report theirs). */
  contextLength: Type.Optional(Type.Integer({ minimum: 256 })),
  /** Hosted providers: generations sent at once; more wait in the gateway's queue. */
  concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 })),
  /** Hosted providers: false when the model takes no tools. */
  tools: Type.Optional(Type.Boolean()),
});

export type ModelProvider = 'ollama' | 'openai-compatible' | 'anthropic';

const ModelsFileSchema = Type.Record(Type.String({ minLength: 1 }), ModelEntrySchema);

export type ModelEntry = Static<typeof ModelEntrySchema>;

export interface ModelDefinition extends ModelEntry {
  /** The id GPTs and API callers use: the Ollama tag (the seed's `modelId: "deepseek-coder"`). */
  id: string;
  /** The key the entry has in models.json (`coding`), usable as an alias. */
  key: string;
  kind: 'ollama' | 'synth';
  /** Who serves it; `ollama` unless the entry names a hosted provider. */
  provider: ModelProvider;
  aliases: string[];
  fallback: string[];
}

export interface ModelCatalog {
  models: ModelDefinition[];
  /** The model named by its id, its key or one of its aliases. */
  resolve(name: string): ModelDefinition | undefined;
}

export class ModelsConfigError extends Error {
  constructor(source: string, problems: string[]) {
    super(`Invalid models config ${source}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ModelsConfigError';
  }
}

export function loadModelCatalog(path: string): ModelCatalog {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ModelsConfigError(path, [(error as Error).message]);
  }
  return parseModelCatalog(raw, path);
}

export function parseModelCatalog(raw: unknown, source = 'models config'): ModelCatalog {
  if (!Value.Check(ModelsFileSchema, raw)) {
    throw new ModelsConfigError(
      source,
      Value.Errors(ModelsFileSchema, raw).map((e) => `${e.instancePath || '(root)'}: ${e.message}`),
    );
  }
  const models: ModelDefinition[] = Object.entries(raw).map(([key, entry]) => ({
    ...entry,
    id: entry.tag,
    key,
    kind: entry.kind ?? (entry.members ? 'synth' : 'ollama'),
    provider: entry.provider ?? 'ollama',
    aliases: entry.aliases ?? [],
    fallback: entry.fallback ?? [],
  }));
  const byName = new Map<string, ModelDefinition>();
  const problems: string[] = [];
  for (const model of models) {
    for (const name of new Set([model.id, model.key, ...model.aliases])) {
      const taken = byName.get(name);
      if (taken && taken !== model) problems.push(`"${name}" names both ${taken.key} and ${model.key}`);
      byName.set(name, model);
    }
  }
  for (const model of models) {
    for (const name of [
      ...model.fallback,
      ...(model.members ?? []),
      ...(model.synthesizer ? [model.synthesizer] : []),
    ]) {
      if (!byName.has(name)) problems.push(`${model.key} refers to unknown model "${name}"`);
    }
    if (model.kind === 'synth' && !(model.members?.length && model.synthesizer)) {
      problems.push(`${model.key}: a synth model needs "members" and a "synthesizer"`);
    }
    problems.push(...providerProblems(model));
  }
  if (problems.length > 0) throw new ModelsConfigError(source, problems);
  return { models, resolve: (name) => byName.get(name) ?? sameOllamaTag(byName, name) };
}

/**
 * Ollama names a tag without a version `:latest`, so `phi3` and `phi3:latest` are one model there;
 * the catalogue answers to both for its Ollama entries, as `ollama run` does.
 */
function sameOllamaTag(byName: Map<string, ModelDefinition>, name: string): ModelDefinition | undefined {
  const other = name.endsWith(LATEST)
    ? name.slice(0, -LATEST.length)
    : name.includes(':')
      ? undefined
      : `${name}${LATEST}`;
  const model = other ? byName.get(other) : undefined;
  return model?.provider === 'ollama' && model.kind !== 'synth' ? model : undefined;
}

const LATEST = ':latest';

/** What a hosted entry must say: where the API is and, for Anthropic, where its key comes from. */
function providerProblems(model: ModelDefinition): string[] {
  const problems: string[] = [];
  const hostedFields = ['baseUrl', 'apiKeyEnv', 'apiKeyFile', 'upstreamModel'] as const;
  if (model.provider === 'ollama' || model.kind === 'synth') {
    const stray = hostedFields.filter((field) => model[field] !== undefined);
    if (stray.length) problems.push(`${model.key}: ${stray.join(', ')} apply to hosted providers only`);
    if (model.kind === 'synth' && model.provider && model.provider !== 'ollama')
      problems.push(`${model.key}: a synth model has members, not a provider`);
    return problems;
  }
  if (model.provider === 'openai-compatible' && !model.baseUrl)
    problems.push(`${model.key}: an openai-compatible model needs "baseUrl"`);
  if (model.apiKeyEnv && model.apiKeyFile)
    problems.push(`${model.key}: give "apiKeyEnv" or "apiKeyFile", not both`);
  if (model.provider === 'anthropic' && !model.apiKeyEnv && !model.apiKeyFile)
    problems.push(`${model.key}: an anthropic model needs "apiKeyEnv" or "apiKeyFile"`);
  return problems;
}
