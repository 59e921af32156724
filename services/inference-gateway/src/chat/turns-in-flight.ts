import { AppError, EVERYTHING_CHANGED, type Logger, type NoticeSource } from '@chatty/shared';

/** Which of these GPTs are gone (deleted, or being deleted); the registry's lookup answers it. */
export type GoneGpts = (gptIds: string[]) => Promise<Set<string>>;

/** A turn being answered, and how it learns that its GPT was deleted meanwhile. */
export interface TrackedTurn {
  /** Aborts when the turn's own signal does, or when its GPT is deleted. */
  readonly signal: AbortSignal;
  /** Rejects with a 404 NOT_FOUND once the GPT is deleted; never resolves otherwise. */
  readonly deleted: Promise<never>;
  done(): void;
}

/**
 * A notice about a GPT may be about a delete that a turn being prepared (its GPT read before the
 * notice, and not tracked yet) has not seen: a turn of a GPT noticed this recently checks as it
 * starts. Longer than preparing a turn takes.
 */
const RECENT_MS = 30_000;
const RECENT_MAX = 10_000;
/** The registry's lookup takes at most this many ids at once. */
const LOOKUP_MAX = 1000;

export const gptDeleted = () =>
  new AppError(404, 'NOT_FOUND', 'GPT not found: it was deleted while it was being answered');

/**
 * The turns this replica is answering, by GPT, so that deleting a GPT stops them on every replica
 * within moments: the model's request is aborted and the client hears 404 NOT_FOUND at once, instead
 * of an answer that can no longer be stored. The registry's database announces every change to a
 * GPT (GPT_CHANGE_NOTICES), its being marked for deletion first; a notice about a GPT with turns in
 * flight has the registry asked whether it is gone (one lookup for every GPT noticed meanwhile, one at
 * a time), and the replica the registry asks to delete the GPT's sessions stops its turns at once
 * (`stop`). A notice asks nothing when no turn of its GPT is in flight.
 */
export class TurnsInFlight {
  private readonly turns = new Map<string, Set<AbortController>>();
  /** GPTs noticed lately, with when (oldest first). */
  private readonly recent = new Map<string, number>();
  private everythingNoticedAt = Number.NEGATIVE_INFINITY;
  private readonly toCheck = new Set<string>();
  private checking = false;

  constructor(
    private readonly gone: GoneGpts,
    private readonly log: Logger,
    private readonly notices?: NoticeSource,
  ) {
    notices?.onNotice((key) => this.noticed(key));
  }

  /**
   * Whether the change notices are heard: then a deleted GPT's turns stop on this replica whichever
   * replica the registry asked; otherwise only on the one it asked.
   */
  get listening(): boolean {
    return this.notices?.live ?? false;
  }

  /** How many turns are in flight. */
  get size(): number {
    let count = 0;
    for (const turns of this.turns.values()) count += turns.size;
    return count;
  }

  track(gptId: string, signal: AbortSignal): TrackedTurn {
    const controller = new AbortController();
    const turns = this.turns.get(gptId) ?? new Set<AbortController>();
    this.turns.set(gptId, turns);
    turns.add(controller);
    const deleted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    deleted.catch(() => {});
    const noticedAt = Math.max(this.recent.get(gptId) ?? 0, this.everythingNoticedAt);
    if (Date.now() - noticedAt < RECENT_MS) this.check([gptId]);
    return {
      signal: AbortSignal.any([signal, controller.signal]),
      deleted,
      done: () => {
        turns.delete(controller);
        if (turns.size === 0 && this.turns.get(gptId) === turns) this.turns.delete(gptId);
      },
    };
  }

  /** Stops every turn of the GPT now: it is being deleted. Answers how many there were. */
  stop(gptId: string): number {
    const turns = this.turns.get(gptId);
    if (!turns) return 0;
    this.turns.delete(gptId);
    for (const controller of turns) controller.abort(gptDeleted());
    this.log.info({ gptId, turns: turns.size }, 'gpt deleted; its answers in flight stopped');
    return turns.size;
  }

  private noticed(key: string) {
    const now = Date.now();
    if (key === EVERYTHING_CHANGED) {
      this.everythingNoticedAt = now;
      this.check([...this.turns.keys()]);
      return;
    }
    if (this.turns.has(key)) this.check([key]);
    this.recent.delete(key);
    this.recent.set(key, now);
    for (const [gptId, at] of this.recent) {
      if (now - at < RECENT_MS && this.recent.size <= RECENT_MAX) break;
      this.recent.delete(gptId);
    }
  }

  /** Asks whether these GPTs are gone, after any lookup under way (which may predate their change). */
  private check(gptIds: string[]) {
    for (const gptId of gptIds) this.toCheck.add(gptId);
    if (this.checking || this.toCheck.size === 0) return;
    this.checking = true;
    void this.drain().finally(() => {
      this.checking = false;
      this.check([]);
    });
  }

  private async drain() {
    while (this.toCheck.size > 0) {
      // Only GPTs with turns still in flight are worth a question.
      const batch = [...this.toCheck].filter((gptId) => this.turns.has(gptId)).slice(0, LOOKUP_MAX);
      for (const gptId of batch) this.toCheck.delete(gptId);
      for (const gptId of this.toCheck) if (!this.turns.has(gptId)) this.toCheck.delete(gptId);
      if (batch.length === 0) return;
      try {
        for (const gptId of await this.gone(batch)) this.stop(gptId);
      } catch (error) {
        // The registry unreachable: the turns go on, and fail to be stored if their GPT is gone.
        this.log.warn({ err: error, gpts: batch.length }, 'could not check whether GPTs were deleted');
      }
    }
  }
}
