/** What waits for a worker slot: whose request it is, and since when. */
export interface Queued {
  owner: string;
  enqueuedAt: number;
}

export interface FairQueueLimits {
  /** Entries in all; past it, the owner with the most waiting gives way (see `admit`). */
  total: number;
  /** Entries one owner may have waiting. */
  perOwner: number;
}

/** Where an owner stands: generations running now, and when (a serial number) one last started. */
export interface OwnerTurn {
  running: number;
  servedAt: number;
}

/**
 * The requests waiting for a worker slot, one FIFO per owner (a user). Free slots go round the owners:
 * the one with the fewest generations running first, then the one served least recently, so a user
 * with seventy requests in flight cannot keep another user's one request waiting behind them.
 */
export class FairQueue<T extends Queued> {
  private readonly byOwner = new Map<string, T[]>();
  private count = 0;

  constructor(private readonly limits: FairQueueLimits) {}

  get size(): number {
    return this.count;
  }

  waitingOf(owner: string): number {
    return this.byOwner.get(owner)?.length ?? 0;
  }

  /**
   * Queues `entry` unless its owner already has their share waiting. When the whole queue is full, the
   * newest entry of the owner with the most waiting is pushed out (`evicted`, for the caller to refuse)
   * if that owner has more waiting than this one: a full queue is then one user's excess, never a
   * reason to refuse someone who has less waiting.
   */
  admit(entry: T): { admitted: boolean; evicted?: T } {
    const mine = this.waitingOf(entry.owner);
    if (mine >= this.limits.perOwner) return { admitted: false };
    let evicted: T | undefined;
    if (this.count >= this.limits.total) {
      const heaviest = this.heaviest();
      if (!heaviest || heaviest.length <= mine) return { admitted: false };
      evicted = heaviest.at(-1)!;
      this.remove(evicted);
    }
    const queue = this.byOwner.get(entry.owner) ?? [];
    queue.push(entry);
    this.byOwner.set(entry.owner, queue);
    this.count++;
    return evicted ? { admitted: true, evicted } : { admitted: true };
  }

  remove(entry: T): void {
    const queue = this.byOwner.get(entry.owner);
    const index = queue?.indexOf(entry) ?? -1;
    if (!queue || index < 0) return;
    queue.splice(index, 1);
    this.count--;
    if (queue.length === 0) this.byOwner.delete(entry.owner);
  }

  /** A copy of every entry, for passes that may remove some. */
  all(): T[] {
    return [...this.byOwner.values()].flat();
  }

  /**
   * Entries in the order a free slot should consider them: owners with the fewest running first, then
   * the one served least recently (round-robin: whoever just got a slot goes to the back), then the one
   * whose oldest entry has waited longest; each owner's entries oldest first. Waiting alone must not
   * decide: a user with a long queue always has the oldest entry, and would take every slot.
   */
  *inTurn(turnOf: (owner: string) => OwnerTurn): Generator<T> {
    const owners = [...this.byOwner.entries()].map(([owner, queue]) => ({ queue, ...turnOf(owner) }));
    owners.sort(
      (a, b) =>
        a.running - b.running || a.servedAt - b.servedAt || a.queue[0]!.enqueuedAt - b.queue[0]!.enqueuedAt,
    );
    for (const { queue } of owners) yield* [...queue];
  }

  private heaviest(): T[] | undefined {
    let heaviest: T[] | undefined;
    for (const queue of this.byOwner.values())
      if (!heaviest || queue.length > heaviest.length) heaviest = queue;
    return heaviest;
  }
}
