import { MODEL_ROUTES } from '@chatty/contracts';
import { callerOf, type ModelDefinition } from '@chatty/shared';
import type { GatewayRoutes } from '../gateway-routes.js';
import { resolveModel } from '../resolve-model.js';

export const modelRoutes: GatewayRoutes = async (app) => {
  /**
   * Worker URLs may carry credentials (`http://user:pass@gpu-1:11434`) and tell the network's layout:
   * only an admin sees them; others see each worker by its place in OLLAMA_URLS.
   */
  const labelOf = (url: string, admin: boolean) =>
    admin ? url : `worker-${app.pool.workers.findIndex((worker) => worker.url === url) + 1}`;
  const servingOf = (model: ModelDefinition, admin = false) => {
    const { workers, loadedOn } = app.pool.serving(model.id);
    return workers.map((url) => ({ url: labelOf(url, admin), loaded: loadedOn.includes(url) }));
  };
  const availableOf = (model: ModelDefinition): boolean => {
    if (model.kind !== 'synth') return servingOf(model).length > 0;
    const resolve = (name: string) => app.models.resolve(name);
    const synthesizer = resolve(model.synthesizer ?? '');
    return (
      synthesizer !== undefined &&
      availableOf(synthesizer) &&
      (model.members ?? []).some((name) => {
        const member = resolve(name);
        return member !== undefined && availableOf(member);
      })
    );
  };

  app.get(
    '/api/models',
    {
      preHandler: app.authenticate,
      config: { chatScope: true },
      schema: {
        tags: ['models'],
        summary: 'The models of the models config, who serves each, and which workers serve it now',
        ...MODEL_ROUTES.list.schema,
      },
    },
    async (request) => {
      const admin = (await app.registryApi.role(callerOf(request).userId, request.id)) === 'admin';
      await app.pool.ready();
      return {
        items: app.models.models.map((model) => ({
          id: model.id,
          key: model.key,
          role: model.role,
          kind: model.kind,
          provider: model.provider,
          aliases: model.aliases,
          available: availableOf(model),
          workers: model.kind === 'synth' ? [] : servingOf(model, admin),
        })),
      };
    },
  );

  app.post(
    '/api/gpts/:id/load',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['chat'],
        summary: "Loads the GPT's model on a worker ahead of the first message, and sets its keep-alive",
        ...MODEL_ROUTES.load.schema,
      },
    },
    async (request) => {
      const { userId } = callerOf(request);
      const { gpt } = await app.registryApi.runtime(request.params.id, userId, request.id);
      const model = resolveModel(app.models, gpt.modelId);
      const names = model.kind === 'synth' ? [...(model.members ?? []), model.synthesizer!] : [model.id];
      const targets = [...new Set(names.map((name) => resolveModel(app.models, name)))];
      const signal = AbortSignal.timeout(120_000);
      const admin = (await app.registryApi.role(userId, request.id)) === 'admin';
      const loaded = await Promise.all(targets.map((target) => app.router.load(target, signal, userId)));
      return { models: loaded.map((each) => ({ ...each, worker: labelOf(each.worker, admin) })) };
    },
  );
};
