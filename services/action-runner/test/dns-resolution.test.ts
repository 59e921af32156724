import { lookup } from 'node:dns/promises';
import type { ActionRunnerApp } from '@chatty/action-runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asked, type DnsServer, startDnsServer } from './dns-server.js';
import { spec, startRunner, TOKEN } from './harness.js';
import { startTarget, type TargetServer } from './target-servers.js';
import { blockThreadPool, POOL_SIZE } from './thread-pool.js';

/*
 * The runner as deployed, resolving through a real UDP DNS server on 127.0.0.53 (ACTION_DNS_SERVERS)
 * instead of an injected resolver: deadlines, independence from libuv's thread pool, TTLs, and the
 * egress checks on what DNS answered.
 */
const DNS_TIMEOUT_MS = 1000;
/** Room for a loaded machine's event-loop lag; getaddrinfo's own timeout is 5 s per try. */
const LAG_MS = 1000;
const PUBLIC_ADDRESS = '93.184.216.34';
let dns: DnsServer;
let target: TargetServer;
let forbidden: TargetServer;
let runner: ActionRunnerApp;
let rebindAnswers = 0;

beforeAll(async () => {
  dns = await startDnsServer('127.0.0.53', ({ name }) => {
    if (name === 'fast.test' || name === 'warm.test' || name === 'cached.test')
      return { addresses: ['127.0.0.1'], ttl: 60 };
    if (name === 'short-ttl.test') return { addresses: ['127.0.0.1'], ttl: 1 };
    if (name === 'private.test') return { addresses: ['10.0.0.7'] };
    if (name === 'mixed.test') return { addresses: [PUBLIC_ADDRESS, '::1'] };
    if (name === 'rebind.test') {
      rebindAnswers += 1;
      return { addresses: [rebindAnswers === 1 ? PUBLIC_ADDRESS : '127.0.0.1'], ttl: 0 };
    }
    if (name.startsWith('silent')) return 'silent';
    return 'nxdomain';
  });
  target = await startTarget('127.0.0.1');
  forbidden = await startTarget('127.0.0.1');
  const allowed = ['fast.test', 'warm.test', 'cached.test', 'short-ttl.test', 'localhost', '127.0.0.1'];
  runner = await startRunner({
    ACTION_DNS_SERVERS: dns.address,
    ACTION_DNS_TIMEOUT_MS: String(DNS_TIMEOUT_MS),
    ACTION_EGRESS_ALLOW: allowed.map((host) => `${host}:${target.port}`).join(','),
    ACTION_EGRESS_PORTS: `80,443,${forbidden.port}`,
  });
});
afterAll(async () => {
  await runner.close();
  await target.close();
  await forbidden.close();
  await dns.close();
});

async function execute(body: object) {
  const started = performance.now();
  const response = await runner.inject({
    method: 'POST',
    url: '/internal/execute',
    headers: TOKEN,
    payload: body,
  });
  return { response, ms: performance.now() - started };
}

describe('deadlines', () => {
  it('a name whose server never answers fails with 502 ACTION_UNREACHABLE at the DNS deadline', async () => {
    const { response, ms } = await execute(spec('http://silent.test/'));
    console.log(`silent name: ${response.statusCode} after ${ms.toFixed(0)} ms (deadline ${DNS_TIMEOUT_MS})`);
    expect(response.statusCode).toBe(502);
    expect(response.json().error).toMatchObject({ code: 'ACTION_UNREACHABLE' });
    expect(response.json().error.message).toMatch(/Could not resolve silent\.test \(ETIMEOUT\)/);
    expect(ms).toBeGreaterThanOrEqual(DNS_TIMEOUT_MS - 10);
    expect(ms).toBeLessThan(DNS_TIMEOUT_MS + LAG_MS);
  });

  it(`with 8 lookups stuck and all ${POOL_SIZE} pool threads blocked, a name that resolves answers in ms`, async () => {
    // The same path unloaded (a fresh name: one query, one new connection), for comparison.
    const baseline = await execute(spec(`http://warm.test:${target.port}/`));
    expect(baseline.response.statusCode).toBe(200);
    let slowSettled = 0;
    const slow = Array.from({ length: 8 }, (_, index) =>
      execute(spec(`http://silent-${index}.test/`)).finally(() => {
        slowSettled += 1;
      }),
    );
    await expect.poll(() => dns.questions.filter((q) => q.name.startsWith('silent-')).length).toBe(16);
    const pool = blockThreadPool();
    // The control: dns.lookup needs a pool thread, so it cannot finish while the pool is blocked.
    let lookupDone = false;
    const control = lookup('localhost').finally(() => {
      lookupDone = true;
    });
    let fast: Awaited<ReturnType<typeof execute>>;
    let lookupBlocked: boolean;
    let slowPending: number;
    try {
      // With dns.lookup this would wait for the pool; the call's deadline would then answer 504.
      fast = await execute(spec(`http://fast.test:${target.port}/`, { timeoutMs: 2 * DNS_TIMEOUT_MS }));
    } finally {
      lookupBlocked = !lookupDone;
      slowPending = slow.length - slowSettled;
      await pool.release();
    }
    await control;
    const stuck = await Promise.all(slow);
    const slowest = Math.max(...stuck.map(({ ms }) => ms));
    console.log(
      `fast.test answered ${fast.response.statusCode} in ${fast.ms.toFixed(1)} ms (unloaded: ` +
        `${baseline.ms.toFixed(1)} ms) while 8 lookups waited ` +
        `(they failed after ${slowest.toFixed(0)} ms at most) and dns.lookup was ${lookupBlocked ? 'stuck' : 'NOT stuck'}`,
    );
    expect(lookupBlocked).toBe(true);
    expect(fast.response.statusCode, fast.response.body).toBe(200);
    expect(asked(dns, 'fast.test')).toBe(1);
    expect(slowPending).toBe(8);
    expect(fast.ms).toBeLessThan(DNS_TIMEOUT_MS / 2);
    for (const { response } of stuck) expect(response.json().error.code).toBe('ACTION_UNREACHABLE');
    expect(slowest).toBeLessThan(DNS_TIMEOUT_MS + LAG_MS);
  });
});

describe('sources other than DNS', () => {
  it('IP literals and localhost are not asked of DNS', async () => {
    const before = dns.questions.length;
    expect((await execute(spec(`http://127.0.0.1:${target.port}/`))).response.statusCode).toBe(200);
    expect((await execute(spec(`http://localhost:${target.port}/`))).response.statusCode).toBe(200);
    expect(target.received.at(-1)!.headers.host).toBe(`localhost:${target.port}`);
    expect(dns.questions.length).toBe(before);
  });

  it('localhost is still loopback, refused unless the allow list names it', async () => {
    const { response } = await execute(spec(`http://localhost:${forbidden.port}/`));
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toMatch(/localhost resolves to it.*loopback/);
    expect(forbidden.received).toEqual([]);
  });
});

describe('TTLs', () => {
  it('reuses an answer within its TTL', async () => {
    for (let call = 0; call < 3; call++) {
      expect((await execute(spec(`http://cached.test:${target.port}/`))).response.statusCode).toBe(200);
    }
    expect(asked(dns, 'cached.test')).toBe(1);
  });

  it('asks again once the TTL has passed', async () => {
    await execute(spec(`http://short-ttl.test:${target.port}/`));
    await execute(spec(`http://short-ttl.test:${target.port}/`));
    expect(asked(dns, 'short-ttl.test')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await execute(spec(`http://short-ttl.test:${target.port}/`))).response.statusCode).toBe(200);
    expect(asked(dns, 'short-ttl.test')).toBe(2);
  });
});

describe('what DNS answers is checked, and pinned', () => {
  it('a name resolving to a private address is refused', async () => {
    const { response } = await execute(spec('http://private.test/'));
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({ code: 'EGRESS_DENIED' });
    expect(response.json().error.message).toMatch(/10\.0\.0\.7 \(private\.test resolves to it\).*private/);
  });

  it('a loopback AAAA next to a public A is refused', async () => {
    const { response } = await execute(spec(`http://mixed.test:${forbidden.port}/`));
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toMatch(/::1 .*loopback/);
    expect(forbidden.received).toEqual([]);
  });

  it('a rebinding server is asked once and the checked public address is the one dialled', async () => {
    const { response } = await execute(spec(`http://rebind.test:${forbidden.port}/`, { timeoutMs: 300 }));
    // No route to the public address here, so the call fails; what matters is where it went.
    expect([502, 504]).toContain(response.statusCode);
    expect(asked(dns, 'rebind.test')).toBe(1);
    expect(forbidden.received).toEqual([]);
  });
});
