import { readFileSync } from 'node:fs';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';

/**
 * One entry of `models.json`. The seed's format (`{ "coding": { "tag", "role" } }`) is valid as is;
 * the other fields are optional extensions.
 */
export const ModelEntrySchema = Type.Object({
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
});

export const ModelsFileSchema = Type.Record(Type.String({ minLength: 1 }), ModelEntrySchema);

export type ModelEntry = Static<typeof ModelEntrySchema>;

export interface ModelDefinition extends ModelEntry {
  /** The id GPTs and API callers use: the Ollama tag (the seed's `modelId: "deepseek-coder"`). */
  id: string;
  /** The key the entry has in models.json (`coding`), usable as an alias. */
  key: string;
  kind: 'ollama' | 'synth';
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
  }
  if (problems.length > 0) throw new ModelsConfigError(source, problems);
  return { models, resolve: (name) => byName.get(name) };
}
