import type { ResolvedAddress } from './resolver.js';

/** A remembered answer: the addresses, or the reason there are none (ENOTFOUND, ENODATA). */
export type CachedAnswer = { addresses: ResolvedAddress[] } | { code: string };

const MAX_ENTRIES = 1024;

/**
 * Answers reused until they expire, so a busy action does not ask DNS on every call and a name that
 * does not exist is not asked again for every retry. Caching does not weaken pinning: each call still
 * classifies the addresses it is given and dials the one it checked. Expiry is the record's TTL cut
 * at a ceiling (an operator who moves an on-prem name should not wait a day); the oldest entries go
 * first past a bound, which keeps a flood of distinct names from growing the process.
 */
export class DnsCache {
  private readonly entries = new Map<string, { answer: CachedAnswer; expires: number }>();

  constructor(
    private readonly maxTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.answer;
  }

  set(key: string, answer: CachedAnswer, ttlMs: number): void {
    const lifetime = Math.min(ttlMs, this.maxTtlMs);
    if (lifetime <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { answer, expires: this.now() + lifetime });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }
}
