import { CHAT_ROUTES } from '@chatty/contracts';
import { callerOf, toErrorResponse } from '@chatty/shared';
import { gatedEvents } from '../../chat/gated-events.js';
import { guessGate } from '../../chat/guess-gate.js';
import { runTurn } from '../../chat/run-turn.js';
import { readSessionTurn, type SessionTurn } from '../../chat/session-turn.js';
import type { MessageRow } from '../../db/schema.js';
import { appendTurn } from '../../db/session.repository.js';
import { abortOnDisconnect, lazyEventStream, wantsEventStream } from '../../sse.js';
import { withUsageRecorded } from '../../usage/record-usage.js';
import type { GatewayRoutes } from '../gateway-routes.js';
import { endFailedAnswer } from '../stream-failure.js';
import { toMessage } from './schemas.js';

export const messageRoute: GatewayRoutes = async (app) => {
  const { heldSessions } = app;

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
      const { userId } = callerOf(request);
      const question = request.body.content;
      // The turn is read while the caller is admitted; a refusal (429) comes first, as it would alone.
      const reads = readSessionTurn(
        { db: app.chatDb, turn: app.turnDeps, heldSessions },
        { userId, sessionId: request.params.sessionId, question, requestId: request.id },
      );
      const lease = await app.admitChat(request);
      const stream = wantsEventStream(request.headers.accept) ? lazyEventStream(reply) : undefined;
      const client = abortOnDisconnect(reply);
      const usage = { db: app.chatDb, log: request.log };

      /**
       * One turn on `turn`, stored when it is whole. With `confirmed` (a guessed turn) the model starts
       * at once, but nothing is streamed, run or stored until the database has confirmed the guess;
       * a wrong guess stops the model and answers undefined, and the turn starts again on the read.
       */
      function attempt(turn: SessionTurn): Promise<MessageRow>;
      function attempt(turn: SessionTurn, confirmed: Promise<boolean>): Promise<MessageRow | undefined>;
      async function attempt(turn: SessionTurn, confirmed?: Promise<boolean>) {
        const { gate, signal } = confirmed
          ? guessGate(confirmed, client.signal)
          : { gate: undefined, signal: client.signal };
        try {
          const result = await withUsageRecorded(usage, { userId, gptId: turn.session.gpt_id }, () =>
            runTurn(app.turnDeps, {
              ...turn.prepared,
              userId,
              history: turn.history,
              question,
              sessionId: turn.session.id,
              requestId: request.id,
              signal,
              gate,
              events: gatedEvents(
                {
                  delta: (content) => stream?.send('delta', { content }),
                  action: (event) => stream?.send('action', event),
                  search: (event) => stream?.send('search', event),
                },
                gate,
              ),
              // Only a client that hears the `confirm` event can allow a call; others are refused outright.
              ...(stream && {
                confirm: (call, turnSignal) =>
                  app.confirmations.ask(
                    { ...call, userId, sessionId: turn.session.id },
                    ({ id, actionId, action, method, arguments: args }) =>
                      stream.send('confirm', { id, actionId, action, method, arguments: args }),
                    turnSignal,
                  ),
              }),
            }),
          );
          // A model quicker than the database still waits for it: nothing is stored on a guess.
          await gate;
          // Freed before the client hears the end, so its next message finds the slot free.
          await lease.release();
          const row = await appendTurn(app.chatDb, turn.session.id, {
            question,
            answer: result.content,
            model: result.model,
            citations: result.citations,
            actionCalls: result.actionCalls,
            searches: result.searches,
          });
          heldSessions.hold(userId, turn.session, [
            ...turn.history,
            { role: 'user', content: question },
            { role: 'assistant', content: result.content },
          ]);
          return row;
        } catch (error) {
          // Whatever stopped a guessed turn, the database has the last word on what the caller hears.
          if (confirmed && !client.signal.aborted && !(await confirmed)) return undefined;
          throw error;
        }
      }

      try {
        const guessed = reads.guess && (await reads.guess.turn.catch(() => undefined));
        const row =
          (guessed && (await attempt(guessed, reads.guess!.confirmed))) ?? (await attempt(await reads.read));
        if (!stream) return { message: toMessage(row) };
        stream.send('done', { message: toMessage(row) });
        stream.end();
      } catch (error) {
        endFailedAnswer(error, {
          stream,
          client,
          log: request.log,
          context: { sessionId: request.params.sessionId },
          sendError: (open, failure) => open.send('error', toErrorResponse(failure).body),
        });
      } finally {
        client.done();
        await lease.release();
      }
    },
  );
};
