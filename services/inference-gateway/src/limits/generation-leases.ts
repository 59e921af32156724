import { randomUUID } from 'node:crypto';
import type { Logger } from '@chatty/shared';
import type { Redis } from 'ioredis';

/*
 * A scope (a user, an API key) is a sorted set of leases scored by their expiry. A lease is renewed
 * while its answer runs, so a replica that crashes stops renewing and its slots free themselves after
 * the TTL instead of leaking. Times come from Redis (TIME), so replicas' clocks need not agree.
 */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function keep(key)
  -- The set lives as long as its longest lease, whatever TTL the replica that wrote it runs with.
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIREAT', key, math.ceil(tonumber(last[2]))) end
end
`;

/** All scopes or none: 0 when taken, else the 1-based index of the first full scope. */
const ACQUIRE = `${NOW}
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) >= tonumber(ARGV[i + 2]) then return i end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + ttl, ARGV[2])
  keep(key)
end
return 0`;

/** Pushes a live lease's expiry forward; one that already expired is not brought back. */
const RENEW = `${NOW}
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now + tonumber(ARGV[1]), ARGV[2])
  keep(key)
end
return 0`;

interface LeaseCommands {
  chattyLeaseAcquire(keyCount: number, ...args: Array<string | number>): Promise<number>;
  chattyLeaseRenew(keyCount: number, ...args: Array<string | number>): Promise<number>;
}

export interface LeaseScope {
  key: string;
  limit: number;
}

export interface Lease {
  /** Frees the slots; safe to call more than once, and never throws. */
  release(): Promise<void>;
}

export class GenerationLeases {
  private readonly commands: LeaseCommands;
  /** Leases this replica holds: id → the keys it sits in. */
  private readonly held = new Map<string, string[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {
    redis.defineCommand('chattyLeaseAcquire', { lua: ACQUIRE });
    redis.defineCommand('chattyLeaseRenew', { lua: RENEW });
    this.commands = redis as unknown as LeaseCommands;
  }

  /** A lease in every scope, or the first scope that is full. */
  async acquire(scopes: LeaseScope[]): Promise<Lease | { full: LeaseScope }> {
    const id = randomUUID();
    const keys = scopes.map((scope) => scope.key);
    const full = await this.commands.chattyLeaseAcquire(
      keys.length,
      ...keys,
      this.ttlMs,
      id,
      ...scopes.map((scope) => scope.limit),
    );
    if (full > 0) return { full: scopes[full - 1]! };
    this.held.set(id, keys);
    this.timer ??= setInterval(() => void this.renewAll(), Math.floor(this.ttlMs / 3)).unref();
    return { release: () => this.release(id) };
  }

  /** Stops renewing; what is still held expires on its own. */
  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async release(id: string): Promise<void> {
    const keys = this.held.get(id);
    if (!keys) return;
    this.held.delete(id);
    if (this.held.size === 0) this.close();
    try {
      const pipeline = this.redis.pipeline();
      for (const key of keys) pipeline.zrem(key, id);
      await pipeline.exec();
    } catch (error) {
      // It expires after the TTL; failing the answer for it would be worse.
      this.log.warn({ err: error }, 'could not release a chat slot; it expires on its own');
    }
  }

  private async renewAll(): Promise<void> {
    await Promise.all(
      [...this.held].map(([id, keys]) =>
        this.commands.chattyLeaseRenew(keys.length, ...keys, this.ttlMs, id).catch((error: unknown) => {
          this.log.warn({ err: error }, 'could not renew a chat slot');
        }),
      ),
    );
  }
}
