import { OPENAI_ROUTES } from '@chatty/contracts';
import { callerOf, invalidParam } from '@chatty/shared';
import { embedOnPool } from '../../pool/embed.js';
import { abortOnDisconnect } from '../../sse.js';
import type { GatewayRoutes } from '../gateway-routes.js';

/** Little-endian float32s in base64, as OpenAI sends `encoding_format: "base64"` (its SDK asks for it). */
const base64Of = (vector: number[]) => Buffer.from(new Float32Array(vector).buffer).toString('base64');

/**
 * `POST /v1/embeddings` on the Ollama workers (`/api/embed`) or a hosted OpenAI-compatible API
 * (`/embeddings`): `model` is a model of the models config, or any model an Ollama worker has pulled
 * (embedding models rarely belong in the chat config).
 */
export const embeddingRoutes: GatewayRoutes = async (app) => {
  app.post(
    '/v1/embeddings',
    {
      schema: {
        tags: ['openai'],
        summary:
          "Embeddings from a model on the Ollama workers or a hosted OpenAI-compatible API, in OpenAI's shape",
        ...OPENAI_ROUTES.embeddings.schema,
      },
    },
    async (request, reply) => {
      const { userId } = callerOf(request);
      const body = request.body;
      const input = typeof body.input === 'string' ? [body.input] : body.input;
      if (!input.every((each): each is string => typeof each === 'string'))
        throw invalidParam('input', 'UNSUPPORTED_INPUT', 'input must be a string or an array of strings');
      // As OpenAI answers it: an empty list asks for nothing, and is a mistake.
      if (input.length === 0)
        throw invalidParam('input', 'EMPTY_INPUT', 'input must hold at least one string');
      if (body.dimensions != null)
        throw invalidParam('dimensions', 'DIMENSIONS_NOT_SUPPORTED', 'dimensions is not supported');
      const defined = app.models.resolve(body.model);
      if (defined?.provider === 'anthropic')
        throw invalidParam(
          'model',
          'EMBEDDINGS_NOT_SUPPORTED',
          `${body.model} is served by Anthropic, which has no embeddings API`,
        );
      const model = defined?.id ?? body.model;
      // A hosted API serves only the models the config names; Ollama workers also those they pulled.
      if (!app.pool.workers.some((worker) => worker.client.embed && worker.has(model)))
        throw invalidParam('model', 'UNKNOWN_MODEL', `No model worker has "${body.model}"`);
      const client = abortOnDisconnect(reply);
      try {
        const { embeddings, promptTokens } = await embedOnPool(app.pool, model, input, client.signal, userId);
        return {
          object: 'list',
          data: embeddings.map((vector, index) => ({
            object: 'embedding',
            index,
            embedding: body.encoding_format === 'base64' ? base64Of(vector) : vector,
          })),
          model: body.model,
          usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
        };
      } finally {
        client.done();
      }
    },
  );
};
