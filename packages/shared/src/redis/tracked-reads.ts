import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

const INVALIDATIONS = '__redis__:invalidate';
const MAX_HELD = 100_000;
/**
 * How long a value is held at most: the bound on staleness should the invalidation connection fail
 * without closing (a silent network fault); otherwise a change is known within a round trip.
 */
const MAX_AGE_MS = 5_000;

/** Reads of string keys, from the process's memory while Redis says they have not changed. */
export interface KeyReader {
  get(key: string): Promise<string | null>;
}

/** A KeyReader that can be told of the process's own writes. */
export interface TrackedKeyReader extends KeyReader {
  forget(key: string): void;
}

/**
 * String reads held in the process, kept true by Redis itself (server-assisted client-side caching,
 * `CLIENT TRACKING ... REDIRECT`): Redis remembers the keys this reader asked for and, when one
 * changes, expires or is evicted, tells a second connection subscribed to `__redis__:invalidate`,
 * which drops it here. A key is held only if no invalidation for it arrived while it was being read,
 * and everything held is dropped whenever either connection closes, until tracking is on again; in
 * between, every read goes to Redis. Where Redis refuses tracking (an old server, a managed one that
 * forbids CLIENT), every read goes to Redis too. Missing keys are not held.
 */
export class TrackedReads implements TrackedKeyReader {
  private readonly reader: Redis;
  private readonly invalidations: Redis;
  private readonly held = new Map<string, { value: string; at: number }>();
  /** Reads in flight, by key; an invalidation removes the key so that its read is not held. */
  private readonly pending = new Map<string, object>();
  /** Moves on every loss of tracking, so a read that straddles one is not held. */
  private epoch = 0;
  private tracking = false;
  private closed = false;
  /** The invalidation connection's id while it is subscribed. */
  private subscriberId: number | undefined;
  /** Tracking is set up one attempt at a time; each connection's 'ready' queues one. */
  private setup: Promise<void> = Promise.resolve();

  /** `name` names the two connections in Redis's CLIENT LIST (`<name>:reader`, `<name>:invalidations`). */
  constructor(
    redis: Redis,
    private readonly log: Logger,
    name = 'chatty-tracked-reads',
  ) {
    this.reader = redis.duplicate({ enableAutoPipelining: true, connectionName: `${name}:reader` });
    // Its id is read before it subscribes (a subscribed connection takes no other command), so it
    // subscribes by hand on every connection rather than through ioredis's resubscription.
    this.invalidations = redis.duplicate({
      autoResubscribe: false,
      enableOfflineQueue: true,
      connectionName: `${name}:invalidations`,
    });
    this.invalidations.on('close', () => {
      this.subscriberId = undefined;
    });
    for (const connection of [this.reader, this.invalidations]) {
      connection.on('close', () => this.lose());
      connection.on('ready', () => {
        this.setup = this.setup.then(() => this.track());
      });
      connection.on('error', () => {});
    }
    this.invalidations.on('messageBuffer', (_channel: Buffer, keys: Buffer | Buffer[] | null) =>
      this.invalidate(keys),
    );
  }

  async get(key: string): Promise<string | null> {
    const entry = this.held.get(key);
    if (entry && this.tracking && Date.now() - entry.at < MAX_AGE_MS) return entry.value;
    if (!this.tracking) return this.reader.get(key);
    const epoch = this.epoch;
    const token = {};
    this.pending.set(key, token);
    try {
      const value = await this.reader.get(key);
      if (value !== null && this.tracking && this.epoch === epoch && this.pending.get(key) === token) {
        if (this.held.size >= MAX_HELD) this.held.delete(this.held.keys().next().value!);
        this.held.set(key, { value, at: Date.now() });
      }
      return value;
    } finally {
      if (this.pending.get(key) === token) this.pending.delete(key);
    }
  }

  /**
   * Drops a key this process has just written, so that its own next read cannot come before the
   * invalidation Redis sends for that write.
   */
  forget(key: string) {
    this.held.delete(key);
    this.pending.delete(key);
  }

  /** Whether a key's value is held here now (for tests and metrics). */
  holds(key: string): boolean {
    return this.tracking && this.held.has(key);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.lose();
    await Promise.all(
      [this.reader, this.invalidations].map((connection) =>
        connection.quit().catch(() => connection.disconnect()),
      ),
    );
  }

  private lose() {
    this.tracking = false;
    this.epoch++;
    this.held.clear();
    this.pending.clear();
  }

  /** Turns tracking on once both connections are ready: the reader's invalidations go to the other. */
  private async track() {
    if (this.closed || this.reader.status !== 'ready' || this.invalidations.status !== 'ready') return;
    const epoch = this.epoch;
    try {
      if (this.subscriberId === undefined) {
        const id = (await this.invalidations.client('ID')) as number;
        await this.invalidations.subscribe(INVALIDATIONS);
        this.subscriberId = id;
      }
      // Off first: a reader already tracking may still redirect to a connection that is gone.
      await this.reader.client('TRACKING', 'OFF');
      await this.reader.client('TRACKING', 'ON', 'REDIRECT', String(this.subscriberId));
      // A connection that closed meanwhile moved the epoch: its 'ready' will try again.
      if (epoch === this.epoch && !this.closed) this.tracking = true;
    } catch (error) {
      if (epoch === this.epoch && !this.closed)
        this.log.warn({ err: error }, 'Redis refused client tracking; reading every key from Redis');
    }
  }

  private invalidate(keys: Buffer | Buffer[] | null) {
    // No keys: the whole database was flushed.
    if (keys === null) {
      this.held.clear();
      this.pending.clear();
      return;
    }
    for (const key of Array.isArray(keys) ? keys : [keys]) {
      const name = key.toString();
      this.held.delete(name);
      this.pending.delete(name);
    }
  }
}
