import type { ActionRunnerApp } from '@chatty/action-runner';
import { USER_AGENT } from '@chatty/action-runner';
import { captureLogs } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spec, startRunner, TOKEN } from './harness.js';
import { closedPort, startTarget, type TargetServer } from './target-servers.js';

const SECRET = 'Bearer sk-live-very-secret-value';
let target: TargetServer;
let otherOrigin: TargetServer;
let runner: ActionRunnerApp;
const resolved: string[] = [];
let deadPort: number;
const logs = captureLogs('action-runner');

beforeAll(async () => {
  target = await startTarget('127.0.0.1', (request, response, body) => {
    const path = new URL(request.url!, 'http://x').pathname;
    if (path === '/slow') return; // never answers
    if (path === '/big') {
      response.end(Buffer.alloc(3 * 1024 * 1024, 'a'));
      return;
    }
    if (path === '/hop') {
      response.writeHead(307, { location: '/echo?from=hop' }).end();
      return;
    }
    if (path === '/redirect') {
      response.writeHead(302, { location: new URL(request.url!, 'http://x').searchParams.get('to')! }).end();
      return;
    }
    if (path === '/loop') {
      response.writeHead(302, { location: '/loop' }).end();
      return;
    }
    response.setHeader('content-type', 'application/json');
    response.setHeader('set-cookie', 'session=abc');
    response.end(JSON.stringify({ method: request.method, url: request.url, body }));
  });
  otherOrigin = await startTarget('127.0.0.1');
  deadPort = await closedPort();
  runner = await startRunner(
    {
      ACTION_EGRESS_ALLOW: [
        `127.0.0.1:${target.port}`,
        `127.0.0.1:${otherOrigin.port}`,
        `127.0.0.1:${deadPort}`,
        `api.internal.test:${target.port}`,
      ].join(','),
      LOG_LEVEL: 'debug',
    },
    {
      logger: logs.logger,
      resolver: async (hostname) => {
        resolved.push(hostname);
        if (hostname === 'api.internal.test') return [{ address: '127.0.0.1', family: 4 }];
        throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      },
    },
  );
});
afterAll(async () => {
  await runner.close();
  await target.close();
  await otherOrigin.close();
});

const base = () => `http://127.0.0.1:${target.port}`;
const execute = (body: object, headers: Record<string, string> = TOKEN) =>
  runner.inject({ method: 'POST', url: '/internal/execute', headers, payload: body });

describe('POST /internal/execute', () => {
  it('sends the rendered URL, method, headers and body, and returns the answer', async () => {
    const response = await execute({
      method: 'POST',
      url: `${base()}/users/{{user}}/notes?lang={{lang}}`,
      headers: { Authorization: SECRET, 'X-Request-Tag': 'tag-{{tag}}' },
      query: { limit: '{{limit}}', missing: '{{absent}}' },
      body: { title: 'Note: {{title}}', count: '{{limit}}', draft: '{{draft}}' },
      arguments: { user: 'ann smith', lang: 'en&x=1', tag: 't1', limit: 5, title: 'hi "there"', draft: true },
    });
    expect(response.statusCode, response.body).toBe(200);
    const received = target.received.at(-1)!;
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/users/ann%20smith/notes?lang=en%26x%3D1&limit=5');
    expect(received.headers.authorization).toBe(SECRET);
    expect(received.headers['x-request-tag']).toBe('tag-t1');
    expect(received.headers['user-agent']).toBe(USER_AGENT);
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers.cookie).toBeUndefined();
    expect(JSON.parse(received.body)).toEqual({ title: 'Note: hi "there"', count: 5, draft: true });

    const result = response.json();
    expect(result.status).toBe(200);
    expect(result.truncated).toBe(false);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.headers['content-type']).toBe('application/json');
    expect(result.headers['set-cookie']).toBeUndefined();
    expect(JSON.parse(result.body)).toMatchObject({ method: 'POST' });
  });

  it('fills {{ name }} with spaces like {{name}}, keeping a whole placeholder typed', async () => {
    const response = await execute({
      method: 'PUT',
      url: `${base()}/users/{{ user }}`,
      headers: { 'X-Tag': 'tag-{{ tag}}' },
      query: {},
      body: { count: '{{ limit }}', title: '{{title }} now' },
      arguments: { user: 'ann', tag: 't2', limit: 7, title: 'hi' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const received = target.received.at(-1)!;
    expect(received.url).toBe('/users/ann');
    expect(received.headers['x-tag']).toBe('tag-t2');
    expect(JSON.parse(received.body)).toEqual({ count: 7, title: 'hi now' });
  });

  it('never logs header values or queries', () => {
    expect(logs.text()).toContain('action executed');
    expect(logs.text()).not.toContain('sk-live-very-secret-value');
    expect(logs.text()).not.toContain('lang=');
  });

  it("returns the target's error status as a result, not as its own error", async () => {
    const response = await execute(spec(`${base()}/echo`, { method: 'DELETE' }));
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe(200);
  });

  it('follows a same-origin redirect, keeping method and headers', async () => {
    const response = await execute(
      spec(`${base()}/hop`, { method: 'PUT', headers: { 'X-Key': 'k' }, body: {} }),
    );
    expect(response.statusCode).toBe(200);
    const received = target.received.at(-1)!;
    expect(received.url).toBe('/echo?from=hop');
    expect(received.method).toBe('PUT');
    expect(received.headers['x-key']).toBe('k');
  });

  it('a redirect to another origin drops the action headers (its secrets)', async () => {
    const hop = `${base()}/?to=${encodeURIComponent(`http://127.0.0.1:${otherOrigin.port}/landing`)}`;
    const response = await execute(
      spec(hop.replace('/?to=', '/redirect?to='), { headers: { Authorization: SECRET, 'X-Key': 'k' } }),
    );
    expect(response.statusCode, response.body).toBe(200);
    const landed = otherOrigin.received.at(-1)!;
    expect(landed.url).toBe('/landing');
    expect(landed.headers.authorization).toBeUndefined();
    expect(landed.headers['x-key']).toBeUndefined();
    expect(landed.headers['user-agent']).toBe(USER_AGENT);
  });

  it('connects to the address resolved once, keeping the name in Host', async () => {
    resolved.length = 0;
    const response = await execute(spec(`http://api.internal.test:${target.port}/echo`));
    expect(response.statusCode, response.body).toBe(200);
    expect(resolved).toEqual(['api.internal.test']);
    expect(target.received.at(-1)!.headers.host).toBe(`api.internal.test:${target.port}`);
  });

  it('stops after 3 redirects', async () => {
    const before = target.received.length;
    const response = await execute(spec(`${base()}/loop`));
    expect(response.statusCode).toBe(502);
    expect(response.json().error.code).toBe('ACTION_TOO_MANY_REDIRECTS');
    expect(target.received.length - before).toBe(4);
  });

  it('a target that does not answer in time gives 504 ACTION_TIMEOUT', async () => {
    const started = Date.now();
    const response = await execute(spec(`${base()}/slow`, { timeoutMs: 300 }));
    expect(response.statusCode).toBe(504);
    expect(response.json().error.code).toBe('ACTION_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a body over the cap is cut at the cap and marked truncated', async () => {
    const response = await execute(spec(`${base()}/big`));
    expect(response.statusCode).toBe(200);
    const result = response.json();
    expect(result.truncated).toBe(true);
    expect(result.body.length).toBe(1024 * 1024);
    const smaller = (await execute(spec(`${base()}/big`, { maxResponseBytes: 1000 }))).json();
    expect(smaller.body.length).toBe(1000);
  });

  it('an unreachable host gives 502 ACTION_UNREACHABLE', async () => {
    const refused = await execute(spec(`http://127.0.0.1:${deadPort}/`));
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error.code).toBe('ACTION_UNREACHABLE');
    expect(refused.json().error.message).toMatch(/ECONNREFUSED/);
    const unresolvable = await execute(spec('http://no-such-host.invalid/'));
    expect(unresolvable.statusCode).toBe(502);
    expect(unresolvable.json().error.message).toMatch(/Could not resolve no-such-host\.invalid/);
  });

  it('stays healthy after timeouts, cut bodies and failures', async () => {
    expect((await runner.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect((await runner.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    expect((await execute(spec(`${base()}/echo`))).statusCode).toBe(200);
  });

  it('answers 404 without the service token', async () => {
    const before = target.received.length;
    const response = await execute(spec(`${base()}/echo`), { 'x-service-token': 'wrong' });
    expect(response.statusCode).toBe(404);
    expect(target.received.length).toBe(before);
  });

  it('rejects a malformed spec with 400', async () => {
    const response = await execute({ method: 'PATCH', url: base(), headers: {}, query: {}, arguments: {} });
    expect(response.statusCode).toBe(400);
  });
});
