import { notFound } from '@chatty/shared';
import type { Db, SessionRow } from '../db/schema.js';
import { findSessionWithHistory } from '../db/session.repository.js';
import type { GptView } from './gpt-runtimes.js';
import { type HeldSessions, sameHistory } from './held-sessions.js';
import { type PreparedTurn, prepareTurn } from './prepare-turn.js';
import type { HistoryMessage } from './prompt.js';
import type { TurnDeps } from './run-turn.js';

/** A session's message about to be answered: the session, its history, and the prepared turn. */
export interface SessionTurn {
  session: SessionRow;
  history: HistoryMessage[];
  prepared: PreparedTurn;
}

export interface SessionTurnReads {
  /** The turn as the database has it, or a 404: what decides. */
  read: Promise<SessionTurn>;
  /**
   * When this replica holds the session (HeldSessions): the turn as the replica last left it, ready
   * before the database answers. `confirmed` says whether the read found exactly that turn: the same
   * session of the caller's, the same GPT and preparation (on the same view of the GPT, once the
   * change notices committed before the message have been heard), the same history.
   */
  guess?: { turn: Promise<SessionTurn>; confirmed: Promise<boolean> };
}

/**
 * Everything a session's turn reads before its model starts, with the waits overlapped: the session
 * and its history from the database and, when this replica holds the session, the GPT's turn from the
 * registry (and its knowledge), all at once. Nothing read is used unless the session is the caller's,
 * and the turn is prepared again if the session turns out to talk to another GPT.
 */
export function readSessionTurn(
  deps: { db: Db; turn: TurnDeps; heldSessions: HeldSessions },
  ask: { userId: string; sessionId: string; question: string; requestId: string },
): SessionTurnReads {
  const { userId, sessionId, question, requestId } = ask;
  const prepare = (gptId: string, view?: GptView) =>
    prepareTurn(deps.turn, { gptId, userId, question, requestId }, view);
  const held = deps.heldSessions.get(userId, sessionId);
  // The GPT's view as held, before the changes committed meanwhile are heard: part of the guess too,
  // used by the read only once `current` has answered the very same view.
  const heldView = held && deps.turn.runtimes.unconfirmed(held.session.gpt_id, userId);
  const early = held && prepare(held.session.gpt_id, heldView);
  // Handled here so that a preparation started in vain never ends as an unhandled rejection.
  early?.catch(() => {});
  const viewConfirmed =
    held && heldView
      ? deps.turn.runtimes.current(held.session.gpt_id, userId).then(
          (view) => view === heldView,
          () => false,
        )
      : true;
  const read = (async (): Promise<SessionTurn> => {
    const found = await findSessionWithHistory(deps.db, userId, sessionId);
    if (!found) {
      deps.heldSessions.forget(sessionId);
      throw notFound('Session');
    }
    const { session, history } = found;
    deps.heldSessions.hold(userId, session, history);
    const prepared =
      early && held.session.gpt_id === session.gpt_id && (await viewConfirmed)
        ? await early
        : await prepare(session.gpt_id);
    return { session, history, prepared };
  })();
  read.catch(() => {});
  if (!held || !early) return { read };
  const turn = early.then((prepared) => ({ session: held.session, history: held.history, prepared }));
  turn.catch(() => {});
  const confirmed = Promise.all([read, turn]).then(
    ([found, guessed]) =>
      found.session.gpt_id === guessed.session.gpt_id &&
      found.prepared === guessed.prepared &&
      sameHistory(found.history, guessed.history),
    () => false,
  );
  return { read, guess: { turn, confirmed } };
}
