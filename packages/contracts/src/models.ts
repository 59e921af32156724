import Type, { type Static } from 'typebox';

/** One worker serving a model now. */
export const ModelWorker = Type.Object({ url: Type.String(), loaded: Type.Boolean() });
export type ModelWorker = Static<typeof ModelWorker>;

/** A model as the inference gateway lists it (GET /api/models at the origin): who serves it, and where. */
export const ModelItem = Type.Object({
  id: Type.String(),
  key: Type.String(),
  role: Type.String(),
  kind: Type.Union([Type.Literal('ollama'), Type.Literal('synth')]),
  /** Who serves it: the Ollama workers or a hosted API (its URL is in `workers`; its key never is). */
  provider: Type.Union([
    Type.Literal('ollama'),
    Type.Literal('openai-compatible'),
    Type.Literal('anthropic'),
  ]),
  aliases: Type.Array(Type.String()),
  /** A healthy worker serves it now (for a synth model: its synthesizer and at least one member). */
  available: Type.Boolean(),
  /** `url` is the worker's URL for an admin, and `worker-N` (its place in OLLAMA_URLS) for others. */
  workers: Type.Array(ModelWorker),
});
export type ModelItem = Static<typeof ModelItem>;

/** `POST /api/gpts/:id/load`: the models loaded for the GPT, and on which worker. */
export const LoadedModels = Type.Object({
  models: Type.Array(Type.Object({ model: Type.String(), worker: Type.String() })),
});
