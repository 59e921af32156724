import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { tooManyRequests } from '../errors.js';

export interface WindowLimit {
  /** Requests let in within any span of `windowMs`; 0 turns the limit off. */
  max: number;
  windowMs: number;
}

export type LimitAnswer = { allowed: true } | { allowed: false; retryAfterMs: number };

/*
 * A sorted set per key holds the times of the requests let in during the last window. Redis's own clock
 * is used, so replicas with skewed clocks count alike. A refused request is not recorded: a client that
 * retries too early does not push its own turn further away, and Retry-After is exact.
 */
const TAKE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < max then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local leaving = redis.call('ZRANGE', KEYS[1], count - max, count - max, 'WITHSCORES')
return {0, tonumber(leaving[2]) + window - now}
`;

interface WindowCommands {
  chattyTakeFromWindow(key: string, windowMs: number, max: number, member: string): Promise<[number, number]>;
}

/**
 * At most `max` requests in any span of `windowMs`, counted in Redis so every replica shares the count.
 * A fixed window (a counter reset each minute) lets twice the limit through around a reset; a sliding
 * log does not: "60 a minute" holds for every minute, whenever it starts.
 */
export class SlidingWindowLimiter {
  private readonly commands: WindowCommands;

  constructor(
    redis: Redis,
    /** Put before every key, e.g. `chatty:rate-limit:`. */
    private readonly keyPrefix: string,
  ) {
    // Defined once per connection; every limiter on it shares the script.
    if (!('chattyTakeFromWindow' in redis))
      redis.defineCommand('chattyTakeFromWindow', { numberOfKeys: 1, lua: TAKE });
    this.commands = redis as unknown as WindowCommands;
  }

  /** Lets one request in under `limit` for `key`, or says how long until one fits. Redis errors reject. */
  async take(key: string, { max, windowMs }: WindowLimit): Promise<LimitAnswer> {
    if (max === 0) return { allowed: true };
    const [allowed, retryAfterMs] = await this.commands.chattyTakeFromWindow(
      `${this.keyPrefix}${key}`,
      windowMs,
      max,
      randomUUID(),
    );
    return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs };
  }

  /** `take`, throwing 429 RATE_LIMITED with Retry-After (whole seconds, at least one) when refused. */
  async enforce(key: string, limit: WindowLimit, message?: (seconds: number) => string): Promise<void> {
    const answer = await this.take(key, limit);
    if (answer.allowed) return;
    const seconds = Math.max(1, Math.ceil(answer.retryAfterMs / 1000));
    throw tooManyRequests(seconds, message?.(seconds));
  }
}
