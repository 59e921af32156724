import { CHAT_ROUTES } from '@chatty/contracts';
import { callerOf, toErrorResponse } from '@chatty/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { runTurn } from '../../chat/run-turn.js';
import { readSessionTurn, SessionGpts, type SessionTurn } from '../../chat/session-turn.js';
import { appendTurn } from '../../db/session.repository.js';
import type { Lease } from '../../limits/generation-leases.js';
import { abortOnDisconnect, lazyEventStream, wantsEventStream } from '../../sse.js';
import { withUsageRecorded } from '../../usage/record-usage.js';
import type { GatewayRoutes } from '../gateway-routes.js';
import { endFailedAnswer } from '../stream-failure.js';
import { toMessage } from './schemas.js';

export const messageRoute: GatewayRoutes = async (app) => {
  const sessionGpts = new SessionGpts();

  app.post(
    '/api/sessions/:sessionId/messages',
    {
      schema: {
        tags: ['chat'],
        summary:
          "Sends a message and answers with the GPT's reply; with Accept: text/event-stream, streams it",
        description:
          'SSE events: `delta` {content} as tokens arrive, `action` {name, status} around each action, ' +
          '`search` {query, status, results?} around each web search, ' +
          '`confirm` {id, actionId, action, method, arguments} when the model wants to run an action that ' +
          'changes something (answer it with POST /api/sessions/:sessionId/confirmations/:id), ' +
          '`done` {message} with the stored reply, or `error` {error}. Without SSE such calls are not run.',
        ...CHAT_ROUTES.sendMessage.schema,
      },
    },
    async (request, reply) => {
      // The turn is read while the caller is admitted; a refusal (429) comes first, as it would alone.
      const reading = readSessionTurn(
        { db: app.chatDb, turn: app.turnDeps, sessionGpts },
        {
          userId: callerOf(request).userId,
          sessionId: request.params.sessionId,
          question: request.body.content,
          requestId: request.id,
        },
      );
      reading.catch(() => {});
      const lease = await app.admitChat(request);
      try {
        return await answer(request, await reading, request.body.content, reply, lease);
      } finally {
        await lease.release();
      }
    },
  );

  /** One turn; `lease` is released as soon as the generation ends, before the reply does. */
  async function answer(
    request: FastifyRequest,
    { session, history, prepared }: SessionTurn,
    question: string,
    reply: FastifyReply,
    lease: Lease,
  ) {
    const { userId } = callerOf(request);
    const stream = wantsEventStream(request.headers.accept) ? lazyEventStream(reply) : undefined;
    const client = abortOnDisconnect(reply);
    try {
      // Freed before the client hears the end, so its next message finds the slot free.
      const usage = { db: app.chatDb, log: request.log };
      const who = { userId, gptId: session.gpt_id };
      const result = await withUsageRecorded(usage, who, () =>
        runTurn(app.turnDeps, {
          ...prepared,
          userId,
          history,
          question,
          sessionId: session.id,
          requestId: request.id,
          signal: client.signal,
          events: {
            delta: (content) => stream?.send('delta', { content }),
            action: (event) => stream?.send('action', event),
            search: (event) => stream?.send('search', event),
          },
          // Only a client that hears the `confirm` event can allow a call; others are refused outright.
          ...(stream && {
            confirm: (call) =>
              app.confirmations.ask(
                { ...call, userId, sessionId: session.id },
                ({ id, actionId, action, method, arguments: args }) =>
                  stream.send('confirm', { id, actionId, action, method, arguments: args }),
                client.signal,
              ),
          }),
        }),
      ).finally(() => lease.release());
      const row = await appendTurn(app.chatDb, session.id, {
        question,
        answer: result.content,
        model: result.model,
        citations: result.citations,
        actionCalls: result.actionCalls,
        searches: result.searches,
      });
      if (!stream) return { message: toMessage(row) };
      stream.send('done', { message: toMessage(row) });
      stream.end();
    } catch (error) {
      endFailedAnswer(error, {
        stream,
        client,
        log: request.log,
        context: { sessionId: session.id },
        sendError: (open, failure) => open.send('error', toErrorResponse(failure).body),
      });
    } finally {
      client.done();
    }
  }
};
