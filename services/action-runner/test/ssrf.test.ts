import type { ActionRunnerApp, Resolver } from '@chatty/action-runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spec, startRunner, TOKEN } from './harness.js';
import { startTarget, type TargetServer } from './target-servers.js';

/*
 * Every case must be refused with 403 EGRESS_DENIED (or, for arguments, 400) while a loopback server
 * that the allow list does NOT name receives nothing. The forbidden server listens on every loopback
 * form (IPv4, IPv6, IPv4-mapped), and its port is made a "standard" port (ACTION_EGRESS_PORTS) so that
 * the address rules, not the port rule, are what stop each request.
 */
let allowed: TargetServer;
let forbidden: TargetServer;
let runner: ActionRunnerApp;
const PUBLIC_ADDRESS = '93.184.216.34';
let rebindCalls = 0;

const resolver: Resolver = async (hostname) => {
  if (hostname === 'loopback.test') return [{ address: '127.0.0.1', family: 4 }];
  if (hostname === 'mapped.test') return [{ address: '::ffff:127.0.0.1', family: 6 }];
  if (hostname === 'mixed.test') {
    return [
      { address: PUBLIC_ADDRESS, family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
  }
  if (hostname === 'rebind.test') {
    rebindCalls += 1;
    return [{ address: rebindCalls === 1 ? PUBLIC_ADDRESS : '127.0.0.1', family: 4 }];
  }
  if (hostname === 'localhost')
    return [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};

beforeAll(async () => {
  allowed = await startTarget('127.0.0.1', (request, response) => {
    const to = new URL(request.url!, 'http://x').searchParams.get('to');
    if (to) {
      response.writeHead(302, { location: to }).end();
      return;
    }
    response.end('allowed');
  });
  forbidden = await startTarget('::');
  runner = await startRunner(
    {
      ACTION_EGRESS_ALLOW: `127.0.0.1:${allowed.port}`,
      ACTION_EGRESS_PORTS: `80,443,${forbidden.port}`,
    },
    { resolver },
  );
});
afterAll(async () => {
  await runner.close();
  await allowed.close();
  await forbidden.close();
});

async function execute(body: object) {
  return runner.inject({ method: 'POST', url: '/internal/execute', headers: TOKEN, payload: body });
}

describe('the allowed server is reachable, so the refusals below are the policy', () => {
  it('answers through the runner', async () => {
    const response = await execute(spec(`http://127.0.0.1:${allowed.port}/`));
    expect(response.statusCode).toBe(200);
    expect(response.json().body).toBe('allowed');
  });
});

describe('refused destinations: 403 EGRESS_DENIED, nothing sent', () => {
  const port = () => forbidden.port;
  const cases: Array<[string, () => string, RegExp]> = [
    ['localhost', () => `http://localhost:${port()}/`, /loopback/],
    ['127.0.0.1', () => `http://127.0.0.1:${port()}/`, /loopback/],
    ['127.1', () => `http://127.1:${port()}/`, /127\.0\.0\.1.*loopback/],
    ['2130706433', () => `http://2130706433:${port()}/`, /127\.0\.0\.1.*loopback/],
    ['0x7f000001', () => `http://0x7f000001:${port()}/`, /127\.0\.0\.1.*loopback/],
    ['0177.0.0.1', () => `http://0177.0.0.1:${port()}/`, /127\.0\.0\.1.*loopback/],
    ['[::1]', () => `http://[::1]:${port()}/`, /loopback/],
    ['[::ffff:127.0.0.1]', () => `http://[::ffff:127.0.0.1]:${port()}/`, /ipv4Mapped/],
    ['[::127.0.0.1] (IPv4-compatible)', () => `http://[::127.0.0.1]:${port()}/`, /not a public/],
    ['[64:ff9b::7f00:1] (NAT64)', () => `http://[64:ff9b::7f00:1]:${port()}/`, /rfc6052/],
    ['[2002:7f00:1::1] (6to4)', () => `http://[2002:7f00:1::1]:${port()}/`, /6to4/],
    ['169.254.169.254 (cloud metadata)', () => 'http://169.254.169.254/latest/meta-data/', /linkLocal/],
    ['10.0.0.1', () => `http://10.0.0.1:${port()}/`, /private/],
    ['192.168.1.1', () => 'http://192.168.1.1/', /private/],
    ['100.64.0.1 (CGNAT)', () => `http://100.64.0.1:${port()}/`, /carrierGradeNat/],
    ['[fd00::1]', () => `http://[fd00::1]:${port()}/`, /uniqueLocal/],
    ['0.0.0.0', () => `http://0.0.0.0:${port()}/`, /unspecified/],
    ['224.0.0.1', () => 'http://224.0.0.1/', /multicast/],
    ['a name that resolves to loopback', () => `http://loopback.test:${port()}/`, /loopback\.test resolves/],
    ['a name that resolves to a mapped address', () => `http://mapped.test:${port()}/`, /ipv4Mapped/],
    ['a name with a public and a loopback address', () => `http://mixed.test:${port()}/`, /loopback/],
    [
      'a redirect from the allowed server to the forbidden one',
      () => `http://127.0.0.1:${allowed.port}/?to=${encodeURIComponent(`http://127.0.0.1:${port()}/`)}`,
      /loopback/,
    ],
    [
      'a redirect to the forbidden one by a numeric form',
      () => `http://127.0.0.1:${allowed.port}/?to=${encodeURIComponent(`http://0x7f000001:${port()}/`)}`,
      /loopback/,
    ],
    ['file://', () => 'file:///etc/passwd', /Scheme file:/],
    ['gopher://', () => `gopher://127.0.0.1:${port()}/_GET`, /Scheme gopher:/],
    ['a port that is neither standard nor allowed', () => 'http://93.184.216.34:6379/', /Port 6379/],
    ['credentials in the URL', () => `http://user:pw@127.0.0.1:${allowed.port}/`, /Credentials/],
  ];

  it.each(cases)('%s', async (_label, url, reason) => {
    const response = await execute(spec(url()));
    expect(response.statusCode, response.body).toBe(403);
    expect(response.json().error.code).toBe('EGRESS_DENIED');
    expect(response.json().error.message).toMatch(reason);
    expect(forbidden.received).toEqual([]);
  });

  it('a rebinding resolver is asked once, and the checked (public) address is the one dialled', async () => {
    rebindCalls = 0;
    const response = await execute(spec(`http://rebind.test:${forbidden.port}/`, { timeoutMs: 300 }));
    // There is no route to the public address here, so the call fails; what matters is where it went.
    expect([502, 504]).toContain(response.statusCode);
    expect(rebindCalls).toBe(1);
    expect(forbidden.received).toEqual([]);
  });
});

describe('arguments cannot move the request or inject headers', () => {
  it('an argument holding "@host:port/" stays in its path segment, on the allowed host', async () => {
    const evil = `@127.0.0.1:${forbidden.port}/x`;
    const response = await execute(
      spec(`http://127.0.0.1:${allowed.port}/items/{{id}}?q={{id}}`, { arguments: { id: evil } }),
    );
    expect(response.statusCode).toBe(200);
    expect(allowed.received.at(-1)!.url).toBe(
      `/items/${encodeURIComponent(evil)}?q=${encodeURIComponent(evil)}`,
    );
    expect(forbidden.received).toEqual([]);
  });

  it('a placeholder in the host is refused', async () => {
    const response = await execute(
      spec('http://{{host}}/', { arguments: { host: `127.0.0.1:${forbidden.port}` } }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('INVALID_ACTION');
    expect(forbidden.received).toEqual([]);
  });

  it('a path segment may not become ".."', async () => {
    const before = allowed.received.length;
    const response = await execute(
      spec(`http://127.0.0.1:${allowed.port}/a/{{id}}/b`, { arguments: { id: '..' } }),
    );
    expect(response.statusCode).toBe(400);
    expect(allowed.received.length).toBe(before);
  });

  it.each([
    ['CR LF', 'x\r\nHost: 127.0.0.1', 'INVALID_ARGUMENT'],
    ['LF', 'x\nX-Injected: 1', 'INVALID_ARGUMENT'],
    // Refused at the door, as any request text holding NUL is.
    ['NUL', 'x\u0000y', 'NUL_CHARACTER'],
  ])('a header value with %s is refused before anything is sent', async (_label, value, code) => {
    const before = allowed.received.length;
    const response = await execute(
      spec(`http://127.0.0.1:${allowed.port}/`, {
        headers: { 'X-Trace': 'id-{{t}}' },
        arguments: { t: value },
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    expect(allowed.received.length).toBe(before);
    expect(forbidden.received).toEqual([]);
  });

  it('an action may not set Host itself', async () => {
    const response = await execute(
      spec(`http://127.0.0.1:${allowed.port}/`, { headers: { Host: `127.0.0.1:${forbidden.port}` } }),
    );
    expect(response.statusCode).toBe(400);
    expect(forbidden.received).toEqual([]);
  });
});

describe('argument values', () => {
  it.each([
    ['an object', { nested: true }],
    ['an array', ['a']],
    ['null', null],
  ])('refuses %s with 400', async (_label, value) => {
    const response = await execute(
      spec(`http://127.0.0.1:${allowed.port}/{{id}}`, { arguments: { id: value } }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('INVALID_ARGUMENT');
  });
});
