import type { ModelCatalog } from '@chatty/shared';

/**
 * Every Ollama tag the catalog can send a request to: each model's own tag, its fallbacks, and a
 * synth model's members and synthesizer, each resolved through the catalog (which refuses names it
 * does not know). Synth models themselves are not pulled: they exist only in Chatty; nor are models
 * a hosted API serves.
 */
export function modelsToPull(catalog: ModelCatalog): string[] {
  const tags = new Set<string>();
  const add = (name: string) => {
    const model = catalog.resolve(name);
    if (model?.kind === 'synth' || (model && model.provider !== 'ollama')) return;
    tags.add(model?.tag ?? name);
  };
  for (const model of catalog.models) {
    if (model.kind === 'ollama' && model.provider === 'ollama') add(model.id);
    for (const name of [...model.fallback, ...(model.members ?? [])]) add(name);
    if (model.synthesizer) add(model.synthesizer);
  }
  return [...tags];
}
