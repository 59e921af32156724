import { badRequest, type ModelCatalog, type ModelDefinition } from '@chatty/shared';

export function resolveModel(models: ModelCatalog, name: string): ModelDefinition {
  const model = models.resolve(name);
  if (!model) throw badRequest('UNKNOWN_MODEL', `Unknown model "${name}"; GET /api/models lists them`);
  return model;
}
