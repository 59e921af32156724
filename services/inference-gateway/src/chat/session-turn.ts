import { notFound } from '@chatty/shared';
import type { Db, SessionRow } from '../db/schema.js';
import { findSessionWithHistory } from '../db/session.repository.js';
import { type PreparedTurn, prepareTurn } from './prepare-turn.js';
import type { HistoryMessage } from './prompt.js';
import type { TurnDeps } from './run-turn.js';

/** A session's message about to be answered: the session, its history, and the prepared turn. */
export interface SessionTurn {
  session: SessionRow;
  history: HistoryMessage[];
  prepared: PreparedTurn;
}

const HELD_SESSIONS = 10_000;

/**
 * Which GPT each session talks to, as seen by earlier turns on this replica. A session never changes
 * its GPT, so the next turn can ask the registry about that GPT while the session itself is read;
 * the read still decides whether the session exists and is the caller's.
 */
export class SessionGpts {
  private readonly held = new Map<string, string>();

  get(sessionId: string): string | undefined {
    return this.held.get(sessionId);
  }

  remember(sessionId: string, gptId: string) {
    if (this.held.has(sessionId)) return;
    if (this.held.size >= HELD_SESSIONS) this.held.delete(this.held.keys().next().value!);
    this.held.set(sessionId, gptId);
  }
}

/**
 * Everything a session's turn reads before its model starts, with the waits overlapped: the session
 * and its history from the database and, when this replica has seen the session before, the GPT's
 * turn from the registry (and its knowledge), all at once. Nothing read is used unless the session is
 * the caller's, and the turn is prepared again if the session turns out to talk to another GPT.
 */
export async function readSessionTurn(
  deps: { db: Db; turn: TurnDeps; sessionGpts: SessionGpts },
  ask: { userId: string; sessionId: string; question: string; requestId: string },
): Promise<SessionTurn> {
  const { userId, sessionId, question, requestId } = ask;
  const prepare = (gptId: string) => prepareTurn(deps.turn, { gptId, userId, question, requestId });
  const guessedGpt = deps.sessionGpts.get(sessionId);
  const early = guessedGpt === undefined ? undefined : prepare(guessedGpt);
  // Handled here so that a preparation started in vain never ends as an unhandled rejection.
  early?.catch(() => {});
  const found = await findSessionWithHistory(deps.db, userId, sessionId);
  if (!found) throw notFound('Session');
  const { session, history } = found;
  deps.sessionGpts.remember(session.id, session.gpt_id);
  const prepared = early && guessedGpt === session.gpt_id ? await early : await prepare(session.gpt_id);
  return { session, history, prepared };
}
