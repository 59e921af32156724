import { randomUUID } from 'node:crypto';
import { type CompletionRequestBody, type GptSummary, OPENAI_ROUTES } from '@chatty/contracts';
import { AppError, callerOf, chatKeysPlugin, invalidParam, openAiError } from '@chatty/shared';
import type { FastifyReply } from 'fastify';
import { gatedEvents } from '../../chat/gated-events.js';
import { generateAnswer } from '../../chat/generate.js';
import type { GptView } from '../../chat/gpt-runtimes.js';
import { guessGate } from '../../chat/guess-gate.js';
import { type PreparedTurn, prepareTurn } from '../../chat/prepare-turn.js';
import { runTurn, type TurnEvents } from '../../chat/run-turn.js';
import type { Lease } from '../../limits/generation-leases.js';
import type { Generation } from '../../pool/model-router.js';
import { abortOnDisconnect, lazyEventStream } from '../../sse.js';
import { withUsageRecorded } from '../../usage/record-usage.js';
import type { GatewayRoutes } from '../gateway-routes.js';
import { resolveModel } from '../resolve-model.js';
import { endFailedAnswer } from '../stream-failure.js';
import { embeddingRoutes } from './embeddings.js';
import { generationOptions, refuseForGpt, refuseUnsupported } from './generation-options.js';
import { toGatewayMessages } from './messages.js';
import {
  chunk,
  completion,
  contentChunks,
  finishReasonOf,
  openAiToolCalls,
  toolCallChunks,
  usageChunk,
} from './shapes.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The OpenAI-compatible API: `model` is the id of a GPT the caller may chat with (what /v1/models lists)
 * or a base model of the models config.
 */
export const openAiRoutes: GatewayRoutes = async (app) => {
  await app.register(chatKeysPlugin);
  app.addHook('preHandler', app.authenticate);
  await app.register(embeddingRoutes);

  app.get(
    '/v1/models',
    {
      schema: {
        tags: ['openai'],
        summary:
          "The GPTs you may chat with (your own, shared with you, in a catalogue of yours) and the base models, in OpenAI's list shape",
        ...OPENAI_ROUTES.models.schema,
      },
    },
    async (request) => {
      const gpts = await app.registryApi.gpts(callerOf(request).userId, request.id);
      return {
        object: 'list',
        data: [
          ...gpts.map(gptModel),
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

  app.get(
    '/v1/models/:id',
    {
      schema: {
        tags: ['openai'],
        summary: 'One GPT you may chat with, or a base model',
        ...OPENAI_ROUTES.model.schema,
      },
    },
    async (request) => {
      const { userId } = callerOf(request);
      const { id } = request.params;
      if (UUID.test(id)) {
        // The same registry route as the list, narrowed to this GPT: it answers exactly what is listed.
        const gpt = await app.registryApi.gpt(id, userId, request.id);
        if (!gpt) throw modelNotFound(id);
        return gptModel(gpt);
      }
      const model = app.models.resolve(id);
      if (!model) throw modelNotFound(id);
      return { id: model.id, object: 'model', created: 0, owned_by: 'chatty' };
    },
  );

  app.post(
    '/v1/chat/completions',
    {
      schema: {
        tags: ['openai'],
        summary: 'A chat completion from a GPT or a base model; `stream: true` answers in chunks',
        ...OPENAI_ROUTES.completions.schema,
      },
    },
    async (request, reply) => {
      const { userId } = callerOf(request);
      // The model is settled (a GPT's turn read from the registry) while the caller is admitted; a
      // refusal (429) comes first, as it would alone.
      const answering = answererFor(request.body, userId, request.id);
      answering.catch(() => {});
      const lease = await app.admitChat(request);
      try {
        return await complete(await answering, request.body, userId, reply, lease);
      } finally {
        await lease.release();
      }
    },
  );

  // OpenAI's other routes (completions, assistants, files…) are not here: say so in OpenAI's shape.
  app.all('/v1/*', { schema: { hide: true } }, async (request) => {
    throw new AppError(
      404,
      'ROUTE_NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0]}; docs/api.md lists what /v1 serves`,
    );
  });

  /** Answers one completion; `lease` is released as soon as the generation ends, before the reply does. */
  async function complete(
    answer: Answerer,
    body: CompletionRequestBody,
    userId: string,
    reply: FastifyReply,
    lease: Lease,
  ) {
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
      const toolCalls = openAiToolCalls(result.toolCalls);
      if (!stream) return completion(id, body.model, result.content, usage, finish, toolCalls);
      if (!started) stream.data(chunk(id, body.model, { role: 'assistant', content: '' }));
      // Ollama gives a call whole at the end of its answer; each goes out as one delta with its index.
      if (toolCalls.length) stream.data(...toolCallChunks(id, body.model, toolCalls));
      stream.data(chunk(id, body.model, {}, finish));
      if (body.stream_options?.include_usage) stream.data(usageChunk(id, body.model, usage));
      stream.data('[DONE]');
      stream.end();
    } catch (error) {
      endFailedAnswer(error, {
        stream,
        client,
        log: reply.log,
        sendError: (open, failure) => open.data(JSON.stringify(openAiError(failure).body)),
      });
    } finally {
      client.done();
    }
  }

  /** A function that produces the answer, once the model (a GPT's, or a base one) is settled. */
  async function answererFor(
    body: CompletionRequestBody,
    userId: string,
    requestId: string,
  ): Promise<Answerer> {
    refuseUnsupported(body);
    const messages = toGatewayMessages(body.messages);
    if (UUID.test(body.model)) {
      refuseForGpt(
        body,
        messages.some((message) => message.images?.length),
      );
      const lastUser = messages.findLastIndex((message) => message.role === 'user');
      if (lastUser < 0) throw new AppError(400, 'NO_USER_MESSAGE', 'messages must hold a user message');
      const history = messages
        .slice(0, lastUser)
        .filter((message) => message.role === 'user' || message.role === 'assistant')
        .map((message) => ({ role: message.role as 'user' | 'assistant', content: message.content }));
      const question = messages[lastUser]!.content;
      const turn = {
        gptId: body.model,
        userId,
        question,
        requestId,
        extraInstructions: messages
          .filter((message) => message.role === 'system')
          .map((message) => message.content),
      };
      const prepare = (view?: GptView) =>
        prepareTurn(app.turnDeps, turn, view).catch((error) => {
          throw error instanceof AppError && error.statusCode === 404 ? modelNotFound(body.model) : error;
        });
      const run = (
        prepared: PreparedTurn,
        signal: AbortSignal,
        events: TurnEvents,
        gate?: Promise<void>,
      ): Promise<Generation> =>
        runTurn(app.turnDeps, { ...prepared, userId, history, question, requestId, signal, events, gate });
      const noActionEvents = (onToken: (text: string) => void): TurnEvents => ({
        delta: onToken,
        action: () => {},
      });
      // The GPT as this replica last saw it for the caller: the model starts on it at once, while the
      // changes committed before this request are heard (GptRuntimes.current); nothing is sent, and no
      // action runs, unless that view is still the current one.
      const guessedView = app.turnDeps.runtimes.unconfirmed(body.model, userId);
      if (!guessedView) {
        const prepared = await prepare();
        return (signal, onToken) => run(prepared, signal, noActionEvents(onToken));
      }
      const guessed = prepare(guessedView);
      guessed.catch(() => {});
      const confirmed = app.turnDeps.runtimes.current(body.model, userId).then(
        (view) => view === guessedView,
        () => false,
      );
      return async (clientSignal, onToken) => {
        const prepared = await guessed.catch(() => undefined);
        if (prepared) {
          const { gate, signal } = guessGate(confirmed, clientSignal);
          try {
            const result = await run(prepared, signal, gatedEvents(noActionEvents(onToken), gate), gate);
            // A model quicker than the confirmation still waits for it.
            await gate;
            return result;
          } catch (error) {
            if (clientSignal.aborted || (await confirmed)) throw error;
          }
        }
        // The guess was wrong (or could not be prepared): the turn as the registry has it now.
        return run(await prepare(), clientSignal, noActionEvents(onToken));
      };
    }
    const model = resolveModel(app.models, body.model);
    const options = generationOptions(body, model);
    if (model.kind !== 'synth' && messages.some((message) => message.images?.length)) {
      // Refused here, clearly, rather than as a worker's error that would send it down the fallbacks.
      if ((await app.router.describe(model)).vision === false)
        throw invalidParam(
          'messages',
          'IMAGES_NOT_SUPPORTED',
          `${model.id} takes no images (it has no vision)`,
        );
    }
    return (signal: AbortSignal, onToken: (text: string) => void): Promise<Generation> => {
      const request = { model, messages, signal, owner: userId, onToken, ...options };
      return generateAnswer(app.router, model, request);
    };
  }
};

type Answerer = (signal: AbortSignal, onToken: (text: string) => void) => Promise<Generation>;

const created = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * `owned_by` says how the caller has the GPT (OpenAI's field names the owning organisation; a client
 * tells GPTs from base models by it): `user` (theirs), `shared` (shared with them or a workspace of
 * theirs, as can chat or can edit), `catalogue` (in a workspace catalogue of theirs).
 */
const OWNED_BY: Record<GptSummary['access'], string> = {
  owner: 'user',
  edit: 'shared',
  chat: 'shared',
  catalogue: 'catalogue',
};

const gptModel = (gpt: GptSummary) => ({
  id: gpt.id,
  object: 'model',
  created: created(gpt.createdAt),
  owned_by: OWNED_BY[gpt.access],
  name: gpt.name,
});

const modelNotFound = (id: string) =>
  new AppError(404, 'MODEL_NOT_FOUND', `The model "${id}" does not exist or you do not have access to it`);
