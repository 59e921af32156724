import { randomUUID } from 'node:crypto';
import { AppError, callerOf, errorResponses, notFound, toErrorResponse } from '@chatty/shared';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { runTurn } from '../../chat/run-turn.js';
import { synthesize } from '../../chat/synth.js';
import type { GatewayRoutes } from '../../gateway-app.js';
import type { Lease } from '../../limits/generation-leases.js';
import type { Generation } from '../../pool/model-router.js';
import type { OllamaMessage } from '../../pool/ollama-types.js';
import { abortOnDisconnect, clientClosed, lazyEventStream } from '../../sse.js';
import { withUsageRecorded } from '../../usage/record-usage.js';
import { resolveModel } from '../resolve-model.js';
import {
  CompletionRequest,
  type CompletionRequestBody,
  chunk,
  completion,
  contentChunks,
  finishReasonOf,
  ollamaOptions,
  textOf,
} from './shapes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The OpenAI-compatible API: `model` is one of the caller's GPT ids or a base model of the models config. */
export const openAiRoutes: GatewayRoutes = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.get(
    '/v1/models',
    { schema: { tags: ['openai'], summary: "Your GPTs and the base models, in OpenAI's list shape" } },
    async (request) => {
      const gpts = await app.registryApi.gpts(callerOf(request).userId, request.id);
      const created = (iso?: string) => Math.floor((iso ? Date.parse(iso) : 0) / 1000);
      return {
        object: 'list',
        data: [
          ...gpts.map((gpt) => ({
            id: gpt.id,
            object: 'model',
            created: created(gpt.createdAt),
            owned_by: 'user',
            name: gpt.name,
          })),
          ...app.models.models.map((model) => ({
            id: model.id,
            object: 'model',
            created: 0,
            owned_by: 'chatty',
          })),
        ],
      };
    },
  );

  app.post(
    '/v1/chat/completions',
    {
      schema: {
        tags: ['openai'],
        summary: 'A chat completion from a GPT or a base model; `stream: true` answers in chunks',
        body: CompletionRequest,
        // OpenAI's shapes are many and loose; they are built by shapes.ts, not validated here.
        response: { 200: Type.Unknown(), ...errorResponses(400, 401, 404, 429, 502, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = callerOf(request);
      const lease = await app.admitChat(request);
      try {
        return await complete(request.body, userId, request.id, reply, lease);
      } finally {
        await lease.release();
      }
    },
  );

  /** Answers one completion; `lease` is released as soon as the generation ends, before the reply does. */
  async function complete(
    body: CompletionRequestBody,
    userId: string,
    requestId: string,
    reply: FastifyReply,
    lease: Lease,
  ) {
    const answer = await answererFor(body, userId, requestId);
    const who = { userId, gptId: UUID.test(body.model) ? body.model : null };
    const id = `chatcmpl-${randomUUID()}`;
    const client = abortOnDisconnect(reply);
    const stream = body.stream ? lazyEventStream(reply) : undefined;
    let started = false;
    const contentChunk = contentChunks(id, body.model);
    const onToken = (text: string) => {
      if (!stream) return;
      if (started) return stream.data(contentChunk(text));
      started = true;
      stream.data(chunk(id, body.model, { role: 'assistant', content: '' }), contentChunk(text));
    };
    try {
      // Freed before the client hears the end, so its next request finds the slot free.
      const recording = { db: app.chatDb, log: reply.log };
      const result = await withUsageRecorded(recording, who, () => answer(client.signal, onToken)).finally(
        () => lease.release(),
      );
      const usage = { prompt: result.promptTokens, completion: result.completionTokens };
      const finish = finishReasonOf(result);
      if (!stream) return completion(id, body.model, result.content, usage, finish);
      if (!started) stream.data(chunk(id, body.model, { role: 'assistant', content: '' }));
      stream.data(chunk(id, body.model, {}, finish));
      stream.data('[DONE]');
      stream.end();
    } catch (error) {
      return failed(error, { stream, client, reply });
    } finally {
      client.done();
    }
  }

  /** A function that produces the answer, once the model (a GPT's, or a base one) is settled. */
  async function answererFor(body: CompletionRequestBody, userId: string, requestId: string) {
    const messages = body.messages.map((message) => ({
      role: message.role === 'developer' ? 'system' : message.role,
      content: textOf(message.content),
    })) as OllamaMessage[];
    const options = ollamaOptions(body);
    if (UUID.test(body.model)) {
      const runtime = await app.registryApi.runtime(body.model, userId, requestId).catch((error) => {
        throw error instanceof AppError && error.statusCode === 404 ? notFound('Model') : error;
      });
      const model = resolveModel(app.models, runtime.gpt.modelId);
      const lastUser = messages.findLastIndex((message) => message.role === 'user');
      if (lastUser < 0) throw new AppError(400, 'NO_USER_MESSAGE', 'messages must hold a user message');
      const extraSystem = messages
        .filter((message) => message.role === 'system')
        .map((message) => message.content);
      const history = messages
        .slice(0, lastUser)
        .filter((message) => message.role === 'user' || message.role === 'assistant')
        .map((message) => ({ role: message.role as 'user' | 'assistant', content: message.content }));
      const instructions = [runtime.gpt.instructions, ...extraSystem].filter(Boolean).join('\n\n');
      return (signal: AbortSignal, onToken: (text: string) => void): Promise<Generation> =>
        runTurn(app.turnDeps, {
          userId,
          runtime: { ...runtime, gpt: { ...runtime.gpt, instructions } },
          model,
          history,
          question: messages[lastUser]!.content,
          requestId,
          signal,
          events: { delta: onToken, action: () => {} },
        });
    }
    const model = resolveModel(app.models, body.model);
    return (signal: AbortSignal, onToken: (text: string) => void): Promise<Generation> => {
      const request = { model, messages, signal, owner: userId, onToken, ...(options && { options }) };
      return model.kind === 'synth' ? synthesize(app.router, model, request) : app.router.generate(request);
    };
  }
};

function failed(
  error: unknown,
  {
    stream,
    client,
    reply,
  }: { stream?: ReturnType<typeof lazyEventStream>; client: { signal: AbortSignal }; reply: FastifyReply },
) {
  if (client.signal.aborted) {
    if (stream?.opened) return stream.end();
    stream?.end();
    throw clientClosed();
  }
  if (!stream?.opened) {
    stream?.end();
    throw error;
  }
  reply.log.warn({ err: error }, 'completion failed mid-stream');
  stream.data(JSON.stringify(toErrorResponse(error as Error).body));
  stream.end();
}
