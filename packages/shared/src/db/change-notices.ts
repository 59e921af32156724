import pg from 'pg';
import type { Logger } from '../logger.js';

export interface ChangeNoticesOptions {
  url: string;
  /** The connection's `application_name`, as operators see it in pg_stat_activity. */
  name: string;
  /** The channel the database's triggers notify (a plain identifier). */
  channel: string;
  /**
   * A function that must exist in the database (the migration that sends the notices creates it):
   * without it no notice would ever come, so nothing is vouched for and the database is checked again
   * later (it may be migrated after this process starts).
   */
  requires: string;
  logger: Logger;
  /** How long to wait before connecting again, or checking again for `requires`. */
  retryMs?: number;
  /** How often the connection proves it still answers: a link that died without closing is dropped. */
  heartbeatMs?: number;
}

/** What a notice's payload is when any object may have changed (and on every reconnection). */
export const EVERYTHING_CHANGED = '*';

/**
 * Names the database a connection reads, as SQL: its name and its server's start. A reader that
 * compares it with `ChangeNotices.database` knows whether what it read is what the notices are about
 * (two services pointed at different databases, or clones of one, must never vouch for each other).
 */
export const DATABASE_IDENTITY_SQL =
  "current_database() || '@' || extract(epoch from pg_postmaster_start_time())::text";

/**
 * Postgres LISTEN on one channel, on a connection of its own that is kept open. While it is `live`,
 * every change the database's triggers announce reaches `onNotice` after its commit, so what was read
 * from the database and not announced since is still current. Whenever notices may have been missed
 * (a lost connection, a heartbeat without answer), `live` is false until it is heard again, and then
 * listeners hear `*`: forget everything. `seq` moves with every notice and every change of `live`: a
 * reader notes it before reading and holds its result only when it has not moved.
 */
export class ChangeNotices {
  private readonly listeners = new Set<(payload: string) => void>();
  private client: pg.Client | undefined;
  private isLive = false;
  private counter = 0;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private warnedMissing = false;
  private identity: string | undefined;
  /** Syncs (see `sync`): how many pings were sent, whether one is in flight, who waits for one. */
  private pings = 0;
  private pinging = false;
  private waiters: Array<{ after: number; resolve: () => void }> = [];

  constructor(private readonly options: ChangeNoticesOptions) {}

  get live(): boolean {
    return this.isLive;
  }

  get seq(): number {
    return this.counter;
  }

  /** The database heard, as DATABASE_IDENTITY_SQL names it; undefined until first connected. */
  get database(): string | undefined {
    return this.identity;
  }

  onNotice(listener: (payload: string) => void): void {
    this.listeners.add(listener);
  }

  /**
   * Resolves once every change committed before this call has been heard (or the notices are lost:
   * `live` then says so). Postgres hands a listening connection the notices committed before a query
   * ahead of that query's answer, so a query sent after this call is the proof; concurrent callers
   * share it. A writer's answer comes after its commit, so whatever a client changed before its next
   * request is heard before that request uses what is held.
   */
  sync(): Promise<void> {
    if (!this.isLive || !this.client) return Promise.resolve();
    return new Promise((resolve) => {
      // A ping already in flight may have passed the database before the change this caller must see.
      this.waiters.push({ after: this.pings, resolve });
      if (!this.pinging) this.ping(this.client!);
    });
  }

  private ping(client: pg.Client): void {
    this.pinging = true;
    const sent = ++this.pings;
    const answered = () => {
      // A connection dropped meanwhile: drop() has let its waiters go, and a newer one may be pinging.
      if (this.client !== client) return;
      this.pinging = false;
      const waiting = this.waiters;
      this.waiters = [];
      for (const waiter of waiting) {
        if (waiter.after < sent) waiter.resolve();
        else this.waiters.push(waiter);
      }
      if (this.waiters.length > 0) this.ping(client);
    };
    // A failed ping proves nothing: the connection is dropped, which lets the waiters go unvouched.
    client.query('select 1').then(answered, () => this.lost(client));
  }

  /** Connects in the background; `live` turns true once the channel is heard. */
  start(): void {
    void this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    this.drop();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const { url, name, channel, requires, logger } = this.options;
    const client = new pg.Client({ connectionString: url, keepAlive: true, application_name: name });
    this.client = client;
    client.on('error', (error) => {
      logger.warn({ err: error, channel }, 'change notices lost; connecting again');
      this.lost(client);
    });
    client.on('end', () => this.lost(client));
    client.on('notification', ({ channel: heard, payload }) => {
      if (heard === channel && this.client === client && this.isLive)
        this.announce(payload ?? EVERYTHING_CHANGED);
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ present: boolean; identity: string }>(
        `select to_regproc($1) is not null as present, ${DATABASE_IDENTITY_SQL} as identity`,
        [requires],
      );
      this.identity = rows[0]?.identity;
      if (!rows[0]?.present) {
        if (!this.warnedMissing)
          logger.warn({ channel, requires }, 'change notices not set up in this database yet');
        this.warnedMissing = true;
        // Looked for again, less often: a migration is rarely seconds away.
        return this.lost(client, 10 * this.retryMs);
      }
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      if (this.client !== client || this.closed) return;
      this.isLive = true;
      this.announce(EVERYTHING_CHANGED);
      this.beat(client);
      logger.info({ channel }, 'change notices heard');
    } catch (error) {
      logger.warn({ err: error, channel }, 'change notices unavailable; connecting again');
      this.lost(client);
    }
  }

  /** A query on the listening connection now and then: one that does not answer in time ends it. */
  private beat(client: pg.Client): void {
    const every = this.options.heartbeatMs ?? 5000;
    this.heartbeat = setTimeout(() => {
      const late = setTimeout(() => this.lost(client), every);
      late.unref();
      client.query('select 1').then(
        () => {
          clearTimeout(late);
          if (this.client === client) this.beat(client);
        },
        () => {
          clearTimeout(late);
          this.lost(client);
        },
      );
    }, every);
    this.heartbeat.unref();
  }

  private get retryMs(): number {
    return this.options.retryMs ?? 1000;
  }

  private lost(client: pg.Client, delayMs = this.retryMs): void {
    if (this.client !== client) return;
    this.drop();
    if (this.closed) return;
    this.retry = setTimeout(() => void this.connect(), delayMs);
    this.retry.unref();
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    clearTimeout(this.heartbeat);
    this.pinging = false;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    if (this.isLive) {
      this.isLive = false;
      this.counter++;
    }
    client?.end().catch(() => {});
  }

  private announce(payload: string): void {
    this.counter++;
    for (const listener of this.listeners) listener(payload);
  }
}
