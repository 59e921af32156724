import { tooManyRequests } from '@chatty/shared';
import type { Redis } from 'ioredis';

/**
 * Failed sign-ins are slowed per client address *and* account together: after `freeFailures` wrong
 * passwords from one address for one account, that pair waits 1 s, then 2, 4… up to `maxSeconds`
 * between tries. Counting per account alone would let anyone lock a user out by failing on purpose;
 * per pair, a stranger only slows themselves, and the user signs in from their own address as usual.
 * (Many accounts from one address are bounded by the per-address limit.) State is in Redis, so every
 * replica sees it; a successful sign-in clears it.
 */
export class LoginBackoff {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly freeFailures: number,
    private readonly maxSeconds: number,
  ) {}

  private keys(address: string, email: string) {
    const pair = `${this.prefix}:login-backoff:${address}|${email.trim().toLowerCase()}`;
    return { failures: `${pair}:failures`, wait: `${pair}:wait` };
  }

  /** Throws 429 with Retry-After while the pair must wait. */
  async check(address: string, email: string): Promise<void> {
    const waitMs = await this.redis.pttl(this.keys(address, email).wait);
    if (waitMs > 0) throw tooManyRequests(Math.ceil(waitMs / 1000));
  }

  async failed(address: string, email: string): Promise<void> {
    const { failures, wait } = this.keys(address, email);
    const [[, count]] = (await this.redis
      .multi()
      .incr(failures)
      .expire(failures, this.maxSeconds * 4)
      .exec()) as [[unknown, number], unknown];
    const over = count - this.freeFailures;
    if (over >= 0) {
      const seconds = Math.min(2 ** over, this.maxSeconds);
      await this.redis.set(wait, '1', 'EX', seconds);
    }
  }

  async succeeded(address: string, email: string): Promise<void> {
    const { failures, wait } = this.keys(address, email);
    await this.redis.del(failures, wait);
  }
}
