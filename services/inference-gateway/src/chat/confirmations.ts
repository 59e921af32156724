import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionMethod, Decision } from '@chatty/contracts';
import type { Redis } from 'ioredis';

/** A call the model wants to make that changes something, waiting for the user's word. */
export interface PendingCall {
  id: string;
  userId: string;
  sessionId: string;
  actionId: string;
  /** The action's name, as the user knows it. */
  action: string;
  method: ActionMethod;
  arguments: Record<string, unknown>;
}

export type DecideOutcome = 'decided' | 'unknown' | 'already-decided';

/**
 * The user's confirmation of side-effecting action calls. A pending call and its decision live in
 * Redis, so the request that allows or refuses it may reach any gateway replica, not only the one
 * streaming the answer; that one polls for the decision. No decision within the timeout is a refusal.
 */
export class Confirmations {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly timeoutMs: number,
    private readonly pollMs = 150,
  ) {}

  private pendingKey = (id: string) => `${this.prefix}:confirm:${id}`;
  private decisionKey = (id: string) => `${this.prefix}:confirm:${id}:decision`;

  /**
   * Records the call, lets `announce` tell the user, and waits for the decision. A client that goes
   * away (`signal`) stops the wait with the signal's error, like the rest of the turn.
   */
  async ask(
    call: Omit<PendingCall, 'id'>,
    announce: (pending: PendingCall) => void,
    signal: AbortSignal,
  ): Promise<Decision | 'timeout'> {
    const pending: PendingCall = { id: randomUUID(), ...call };
    const ttlSeconds = Math.ceil(this.timeoutMs / 1000) + 60;
    await this.redis.set(this.pendingKey(pending.id), JSON.stringify(pending), 'EX', ttlSeconds);
    announce(pending);
    const deadline = Date.now() + this.timeoutMs;
    try {
      while (Date.now() < deadline) {
        await sleep(Math.min(this.pollMs, Math.max(1, deadline - Date.now())), undefined, { signal });
        const decision = await this.redis.get(this.decisionKey(pending.id));
        if (decision === 'allow' || decision === 'refuse') return decision;
      }
      // A decision that arrives now is too late: it answers 409, and the call is not made.
      const late = await this.redis.set(this.decisionKey(pending.id), 'timeout', 'EX', 60, 'NX');
      if (late === null) {
        const decision = await this.redis.get(this.decisionKey(pending.id));
        if (decision === 'allow' || decision === 'refuse') return decision;
      }
      return 'timeout';
    } finally {
      // The call is settled (decided, timed out, or its turn ended): a decision from now on answers
      // 409 to its user — at once or after the turn, whatever the timing — and 404 to anyone else, for
      // as long as the decision is kept.
      await this.redis
        .multi()
        .set(this.decisionKey(pending.id), 'closed', 'EX', 60, 'NX')
        .expire(this.pendingKey(pending.id), 60)
        .exec()
        .catch(() => undefined);
    }
  }

  /** Records the user's decision on a pending call of theirs, in that session; the first one counts. */
  async decide(userId: string, sessionId: string, id: string, decision: Decision): Promise<DecideOutcome> {
    const raw = await this.redis.get(this.pendingKey(id));
    const pending = raw ? (JSON.parse(raw) as PendingCall) : undefined;
    if (!pending || pending.userId !== userId || pending.sessionId !== sessionId) return 'unknown';
    const set = await this.redis.set(this.decisionKey(id), decision, 'EX', 60, 'NX');
    return set === null ? 'already-decided' : 'decided';
  }
}
