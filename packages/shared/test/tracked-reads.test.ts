import { randomUUID } from 'node:crypto';
import { TEST_REDIS_URL } from '@chatty/testkit';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { TrackedReads } from '../src/redis/tracked-reads.js';

/*
 * Reads held in the process and kept true by Redis's invalidations, against the real Redis: another
 * client's write must reach the next read, whatever happened to the connections in between.
 */
const log = createLogger({ name: 'tracked-reads-test', level: 'silent' });
let writer: Redis;
let base: Redis;
let reads: TrackedReads;
const prefix = `chatty-test-${randomUUID()}`;
const key = (name: string) => `${prefix}:${name}`;

async function eventually(check: () => Promise<boolean> | boolean, what: string) {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  writer = new Redis(TEST_REDIS_URL);
  base = new Redis(TEST_REDIS_URL);
  reads = new TrackedReads(base, log, prefix);
  // Written once: a write on every try would send an invalidation that can land during the next
  // try's read, which then (rightly) is not held, and on a busy machine that can happen every time.
  await writer.set(key('probe'), 'x');
  await eventually(async () => {
    await reads.get(key('probe'));
    return reads.holds(key('probe'));
  }, 'tracking is on');
});
afterEach(async () => {
  const keys = await writer.keys(`${prefix}:*`);
  if (keys.length) await writer.del(...keys);
});
afterAll(async () => {
  await reads.close();
  base.disconnect();
  writer.disconnect();
});

describe('TrackedReads', () => {
  it('holds a value it read, and reads the new one after another client writes it', async () => {
    await writer.set(key('a'), 'live:1');
    expect(await reads.get(key('a'))).toBe('live:1');
    expect(reads.holds(key('a'))).toBe(true);

    await writer.set(key('a'), 'ended');
    await eventually(() => !reads.holds(key('a')), 'the write is known');
    expect(await reads.get(key('a'))).toBe('ended');
  });

  it('forgets a value that is deleted or expires', async () => {
    await writer.set(key('gone'), 'v');
    await writer.set(key('short'), 'v', 'PX', 100);
    expect(await reads.get(key('gone'))).toBe('v');
    expect(await reads.get(key('short'))).toBe('v');
    await writer.del(key('gone'));
    await eventually(async () => (await reads.get(key('gone'))) === null, 'the delete is seen');
    await eventually(async () => (await reads.get(key('short'))) === null, 'the expiry is seen');
  });

  it('never holds a missing key', async () => {
    expect(await reads.get(key('none'))).toBeNull();
    expect(reads.holds(key('none'))).toBe(false);
    await writer.set(key('none'), 'now');
    expect(await reads.get(key('none'))).toBe('now');
  });

  it('drops what it holds when a connection is killed, and tracks again once reconnected', async () => {
    await writer.set(key('k'), 'before');
    expect(await reads.get(key('k'))).toBe('before');
    expect(reads.holds(key('k'))).toBe(true);

    const clients = (await writer.client('LIST')) as string;
    const subscriber = clients.split('\n').find((line) => line.includes(` name=${prefix}:invalidations `));
    expect(subscriber).toMatch(/ sub=1 /);
    const subscriberId = /(?:^| )id=(\d+)/.exec(subscriber!)![1]!;
    await writer.client('KILL', 'ID', subscriberId);
    await eventually(() => !reads.holds(key('k')), 'the lost connection is noticed');
    // The write lands while tracking is being set up again: its invalidation may never arrive.
    await writer.set(key('k'), 'after');
    expect(await reads.get(key('k'))).toBe('after');

    await eventually(async () => {
      await reads.get(key('k'));
      return reads.holds(key('k'));
    }, 'tracking is on again');
    await writer.set(key('k'), 'again');
    await eventually(async () => (await reads.get(key('k'))) === 'again', 'the next write is seen');
  });
});
