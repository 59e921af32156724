import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDnsResolver, type DnsResolverOptions } from '../src/egress/dns-resolver.js';
import { parseHostsFile } from '../src/egress/hosts-file.js';
import { asked, type DnsServer, startDnsServer } from './dns-server.js';

/*
 * The resolver against a real UDP DNS server on loopback. Cache expiry runs on an injected clock so
 * TTLs of minutes can be checked without waiting; deadlines run on real time.
 */
let dns: DnsServer;
let clock = 0;
const handles: Array<{ close(): void }> = [];

beforeAll(async () => {
  dns = await startDnsServer('127.0.0.53', ({ name, type }) => {
    if (name === 'dual.test') return { addresses: ['2001:db8::5', '93.184.216.34'], delayMs: 300 };
    if (name === 'minute.test') return { addresses: ['93.184.216.34'], ttl: 60 };
    if (name === 'day.test') return { addresses: ['93.184.216.34'], ttl: 86_400 };
    if (name === 'zero.test') return { addresses: ['93.184.216.34'], ttl: 0 };
    if (name === 'shared.test') return { addresses: ['93.184.216.34'], delayMs: 100 };
    if (name === 'no-aaaa.test') return type === 'A' ? { addresses: ['93.184.216.34'] } : 'silent';
    if (name.startsWith('silent')) return 'silent';
    return 'nxdomain';
  });
});
afterAll(async () => {
  for (const handle of handles) handle.close();
  await dns.close();
});
beforeEach(() => {
  clock = 0;
});

function resolver(options: Partial<DnsResolverOptions> = {}) {
  const handle = createDnsResolver({
    servers: [dns.address],
    timeoutMs: 400,
    maxTtlSeconds: 300,
    hosts: new Map(),
    now: () => clock,
    ...options,
  });
  handles.push(handle);
  return handle.resolve;
}

async function codeOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}

describe('createDnsResolver', () => {
  it('asks for A and AAAA at once, IPv4 first', async () => {
    const started = performance.now();
    const addresses = await resolver({ timeoutMs: 2000 })('dual.test');
    // Each answer is held back 300 ms: one after the other would take 600.
    expect(performance.now() - started).toBeLessThan(550);
    expect(addresses).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2001:db8::5', family: 6 },
    ]);
    expect([asked(dns, 'dual.test', 'A'), asked(dns, 'dual.test', 'AAAA')]).toEqual([1, 1]);
  });

  it('reuses an answer for its TTL, then asks again', async () => {
    const resolve = resolver();
    await resolve('minute.test');
    clock = 59_999;
    await resolve('MINUTE.test.');
    expect(asked(dns, 'minute.test')).toBe(1);
    clock = 60_000;
    await resolve('minute.test');
    expect(asked(dns, 'minute.test')).toBe(2);
  });

  it('cuts a long TTL at the ceiling, and caches nothing with TTL 0', async () => {
    const resolve = resolver({ maxTtlSeconds: 30 });
    await resolve('day.test');
    clock = 29_000;
    await resolve('day.test');
    expect(asked(dns, 'day.test')).toBe(1);
    clock = 30_000;
    await resolve('day.test');
    expect(asked(dns, 'day.test')).toBe(2);

    await resolve('zero.test');
    await resolve('zero.test');
    expect(asked(dns, 'zero.test')).toBe(2);
  });

  it('remembers a name that does not exist for a few seconds', async () => {
    const resolve = resolver({ negativeTtlMs: 5000 });
    expect(await codeOf(resolve('missing.test'))).toBe('ENOTFOUND');
    clock = 4999;
    expect(await codeOf(resolve('missing.test'))).toBe('ENOTFOUND');
    expect(asked(dns, 'missing.test')).toBe(1);
    clock = 5000;
    expect(await codeOf(resolve('missing.test'))).toBe('ENOTFOUND');
    expect(asked(dns, 'missing.test')).toBe(2);
  });

  it('gives up at its deadline when the server is silent, and remembers nothing', async () => {
    const resolve = resolver({ timeoutMs: 400 });
    const started = performance.now();
    expect(await codeOf(resolve('silent.test'))).toBe('ETIMEOUT');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(800);
    const before = asked(dns, 'silent.test');
    expect(await codeOf(resolve('silent.test'))).toBe('ETIMEOUT');
    expect(asked(dns, 'silent.test')).toBeGreaterThan(before);
  });

  it('uses the family that answered when the other stays silent, without caching it', async () => {
    const resolve = resolver({ timeoutMs: 300 });
    expect(await resolve('no-aaaa.test')).toEqual([{ address: '93.184.216.34', family: 4 }]);
    await resolve('no-aaaa.test');
    expect(asked(dns, 'no-aaaa.test')).toBe(2);
  });

  it('sends one query for a name however many calls want it at once', async () => {
    const resolve = resolver();
    const answers = await Promise.all(Array.from({ length: 5 }, () => resolve('shared.test')));
    expect(new Set(answers.map((answer) => answer[0]!.address))).toEqual(new Set(['93.184.216.34']));
    expect(asked(dns, 'shared.test')).toBe(1);
  });

  it('answers hosts-file names and localhost without asking DNS', async () => {
    const resolve = resolver({ hosts: parseHostsFile('10.1.2.3 intranet.corp.test\n') });
    expect(await resolve('Intranet.Corp.Test')).toEqual([{ address: '10.1.2.3', family: 4 }]);
    expect(await resolve('localhost')).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect((await resolve('api.localhost'))[0]!.address).toBe('127.0.0.1');
    const names = dns.questions.map((question) => question.name);
    expect(names.filter((name) => name.includes('corp.test') || name.endsWith('localhost'))).toEqual([]);
  });
});
