import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_REDIS_URL } from '@chatty/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.js';
import { SlidingWindowLimiter } from '../src/redis/sliding-window-limit.js';

/* Against the real Redis: the count must hold for any span of the window, not per calendar window. */
let redis: Redis;
let limiter: SlidingWindowLimiter;
const prefix = `chatty-test-${randomUUID()}:rate-limit:`;

beforeAll(async () => {
  redis = new Redis(TEST_REDIS_URL);
  limiter = new SlidingWindowLimiter(redis, prefix);
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

async function takeMany(key: string, count: number, limit: { max: number; windowMs: number }) {
  const answers = [];
  for (let index = 0; index < count; index++) answers.push(await limiter.take(key, limit));
  return answers;
}

describe('SlidingWindowLimiter', () => {
  it('lets max requests in, refuses the next with the time until the oldest leaves the window', async () => {
    const limit = { max: 3, windowMs: 2000 };
    const answers = await takeMany('first', 4, limit);
    expect(answers.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    const refused = answers[3]!;
    expect(refused.allowed).toBe(false);
    if (refused.allowed) return;
    expect(refused.retryAfterMs).toBeGreaterThan(1000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(2000);
  });

  it('holds the limit across a window boundary, where a fixed window would let a second burst through', async () => {
    // Half the allowance late in one span, then a wait past when a fixed window would have reset:
    // only the other half fits until the first requests are a whole window old.
    const limit = { max: 4, windowMs: 3000 };
    const start = Date.now();
    expect(await takeMany('boundary', 2, limit)).toEqual([{ allowed: true }, { allowed: true }]);
    await sleep(1500);
    const second = await takeMany('boundary', 4, limit);
    expect(second.map((answer) => answer.allowed)).toEqual([true, true, false, false]);
    await sleep(start + limit.windowMs + 100 - Date.now());
    // The first two left the window; the two after them did not.
    const third = await takeMany('boundary', 3, limit);
    expect(third.map((answer) => answer.allowed)).toEqual([true, true, false]);
  });

  it('does not count refused requests: retrying early does not push the next turn further away', async () => {
    const limit = { max: 1, windowMs: 1500 };
    const start = Date.now();
    expect((await limiter.take('early', limit)).allowed).toBe(true);
    for (let index = 0; index < 20; index++) expect((await limiter.take('early', limit)).allowed).toBe(false);
    await sleep(start + limit.windowMs + 50 - Date.now());
    expect((await limiter.take('early', limit)).allowed).toBe(true);
  });

  it('keeps keys apart, and a max of 0 is off without asking Redis', async () => {
    const limit = { max: 1, windowMs: 5000 };
    expect((await limiter.take('a', limit)).allowed).toBe(true);
    expect((await limiter.take('b', limit)).allowed).toBe(true);
    expect((await limiter.take('a', limit)).allowed).toBe(false);
    const offline = new SlidingWindowLimiter(new Redis(TEST_REDIS_URL, { lazyConnect: true }), prefix);
    expect(await offline.take('a', { max: 0, windowMs: 5000 })).toEqual({ allowed: true });
  });

  it('enforce answers 429 RATE_LIMITED with Retry-After in whole seconds and the caller’s message', async () => {
    const limit = { max: 1, windowMs: 1500 };
    await limiter.enforce('enforced', limit);
    const refusal = await limiter
      .enforce('enforced', limit, (seconds) => `one a window; retry in ${seconds} s`)
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    const error = refusal as AppError;
    expect(error.statusCode).toBe(429);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.headers?.['retry-after']).toBe('2');
    expect(error.message).toBe('one a window; retry in 2 s');
  });

  it('expires its keys after a window, so idle users cost nothing', async () => {
    await limiter.take('idle', { max: 5, windowMs: 1000 });
    const ttl = await redis.pttl(`${prefix}idle`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
  });
});
