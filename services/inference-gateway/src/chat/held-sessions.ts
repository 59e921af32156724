import type { SessionRow } from '../db/schema.js';
import type { HistoryMessage } from './prompt.js';

/** A session as this replica last left it: its row and its history after the replica's own last turn. */
export interface HeldSession {
  userId: string;
  session: SessionRow;
  history: HistoryMessage[];
}

export interface HeldSessionsLimits {
  sessions: number;
  /** Characters of history held in all (a session's history is read whole into every prompt). */
  chars: number;
}

const DEFAULT_LIMITS: HeldSessionsLimits = { sessions: 10_000, chars: 32 * 1024 * 1024 };

/**
 * The sessions this replica has seen lately, each with its history as it will be at the next turn:
 * what the last read found, plus the turn this replica stored after it. Nothing here is trusted: it is
 * a guess that lets the next turn start its model before the database has answered, and the database's
 * answer decides (message.route.ts). Another replica's turn, a deleted session or a concurrent message
 * simply make the guess wrong. Least recently held sessions go first past either limit.
 */
export class HeldSessions {
  private readonly held = new Map<string, HeldSession & { chars: number }>();
  private heldChars = 0;

  constructor(private readonly limits: HeldSessionsLimits = DEFAULT_LIMITS) {}

  /** The caller's session as last held; another user's is never answered. */
  get(userId: string, sessionId: string): HeldSession | undefined {
    const held = this.held.get(sessionId);
    return held?.userId === userId ? held : undefined;
  }

  hold(userId: string, session: SessionRow, history: HistoryMessage[]): void {
    this.forget(session.id);
    const chars = history.reduce((sum, message) => sum + message.content.length, 0);
    if (chars > this.limits.chars / 10) return;
    this.held.set(session.id, { userId, session, history, chars });
    this.heldChars += chars;
    for (const [id, oldest] of this.held) {
      if (this.held.size <= this.limits.sessions && this.heldChars <= this.limits.chars) break;
      this.held.delete(id);
      this.heldChars -= oldest.chars;
    }
  }

  forget(sessionId: string): void {
    const held = this.held.get(sessionId);
    if (!held) return;
    this.held.delete(sessionId);
    this.heldChars -= held.chars;
  }

  get size(): number {
    return this.held.size;
  }

  /** Characters of history held in all. */
  get chars(): number {
    return this.heldChars;
  }
}

/** Whether two histories are the same messages in the same order. */
export function sameHistory(a: HistoryMessage[], b: HistoryMessage[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) {
    if (a[index]!.role !== b[index]!.role || a[index]!.content !== b[index]!.content) return false;
  }
  return true;
}
