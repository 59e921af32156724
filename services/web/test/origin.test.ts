import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_JSON_BODY_BYTES } from '@chatty/contracts';
import { captureLogs } from '@chatty/testkit';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, signUp, startRegistry } from '../../gpt-registry/test/harness.js';
import { multipartFile, PNG_1X1 } from '../../gpt-registry/test/images.js';

let registry: RegistryHarness;
let registryLogs: ReturnType<typeof captureLogs>;
let streamer: Server;
let web: WebApp;
let origin: string;
let ops: string;

/** A stand-in upstream for /v1 that sends a chunk, waits, and sends another. */
function startStreamer(): Promise<Server> {
  const server = createServer((request, response) => {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'x-seen-request-id': String(request.headers['x-request-id']),
    });
    response.write('data: first\n\n');
    setTimeout(() => response.end('data: second\n\n'), 400);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const urlOf = (server: { address(): AddressInfo | string | null }) =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  registryLogs = captureLogs('gpt-registry', 'info');
  registry = await startRegistry({}, { logger: registryLogs.logger });
  await registry.app.listen({ port: 0, host: '127.0.0.1' });
  streamer = await startStreamer();
  web = await buildWeb(
    loadWebConfig({
      REGISTRY_URL: urlOf(registry.app.server),
      GATEWAY_URL: urlOf(streamer),
      LOG_LEVEL: 'silent',
    }),
  );
  await web.listen({ port: 0, host: '127.0.0.1' });
  await web.ops!.listen({ port: 0, host: '127.0.0.1' });
  origin = urlOf(web.server);
  ops = urlOf(web.ops!.server);
});
afterAll(async () => {
  await web.close();
  streamer.close();
  await registry.close();
});

describe('the public origin', () => {
  it('serves the UI (or, before it is built, the placeholder page) at / under a strict CSP', async () => {
    const response = await fetch(`${origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('<title>Chatty</title>');
  });

  it('proxies /api/* to the registry: signup, then an authenticated call', async () => {
    const signup = await fetch(`${origin}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'origin@example.com', password: 'correct horse battery' }),
    });
    expect(signup.status).toBe(201);
    const { token } = (await signup.json()) as { token: string };
    const list = await fetch(`${origin}/api/gpts`, { headers: { authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ items: [] });
  });

  it('passes error answers through untouched', async () => {
    const response = await fetch(`${origin}/api/gpts`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  });

  it('streams a multipart upload through to the registry', async () => {
    const owner = await signUp(registry.app);
    const gpt = await registry.app.inject({
      method: 'POST',
      url: '/api/gpts',
      headers: owner.auth,
      payload: { name: 'Proxied', modelId: 'phi3' },
    });
    const { payload, headers } = multipartFile('a.png', 'image/png', PNG_1X1);
    const response = await fetch(`${origin}/api/gpts/${gpt.json().id}/avatar`, {
      method: 'POST',
      headers: { ...owner.auth, ...headers },
      body: payload,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { avatar: string }).avatar).toBe(
      `data:image/png;base64,${PNG_1X1.toString('base64')}`,
    );
  });

  it('passes the request id on and tells the registry the real client address, not a forged one', async () => {
    const response = await fetch(`${origin}/api/gpts`, {
      headers: { 'x-request-id': 'trace-me-123', 'x-forwarded-for': '203.0.113.9' },
    });
    expect(response.headers.get('x-request-id')).toBe('trace-me-123');
    const line = registryLogs.lines.find(
      (entry) => entry.reqId === 'trace-me-123' && entry.msg === 'request completed',
    );
    expect(line).toBeDefined();
    expect((line!.req as { remoteAddress: string }).remoteAddress).toBe('127.0.0.1');
  });

  it('makes a request id when none (or an unsafe one) is sent', async () => {
    const response = await fetch(`${origin}/api/gpts`, {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('streams /v1 responses chunk by chunk, without buffering', async () => {
    const started = Date.now();
    const response = await fetch(`${origin}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(response.headers.get('x-seen-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const reader = response.body!.getReader();
    const first = await reader.read();
    const firstAfter = Date.now() - started;
    expect(new TextDecoder().decode(first.value)).toBe('data: first\n\n');
    expect(firstAfter).toBeLessThan(300);
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toBe('data: second\n\n');
  });

  it('sends the chat routes under /api to the gateway and the rest to the registry', async () => {
    const id = '0b6f2a4e-1c1d-4f43-9a55-3b7e2d1f0a10';
    for (const path of [
      `/api/sessions/${id}/messages`,
      `/api/sessions/${id}`,
      `/api/gpts/${id}/sessions`,
      `/api/gpts/${id}/load`,
      '/api/models',
    ]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.headers.get('content-type'), path).toBe('text/event-stream');
      await response.text();
    }
    const registry = await fetch(`${origin}/api/gpts/${id}`);
    expect(registry.status).toBe(401);
  });

  it('is ready while its upstreams are, as its ops listener says', async () => {
    const response = await fetch(`${ops}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      checks: { 'gpt-registry': 'ok', 'inference-gateway': 'ok' },
    });
  });
});

describe('a path that is not valid percent-encoding', () => {
  it("is 400 BAD_URL in the one error shape, and in OpenAI's on /v1", async () => {
    const api = await fetch(`${origin}/api/gpts/%ZZ`);
    expect(api.status).toBe(400);
    expect(await api.json()).toEqual({ error: { code: 'BAD_URL', message: expect.stringContaining('%25') } });
    const v1 = await fetch(`${origin}/v1/models/%ZZ`);
    expect(v1.status).toBe(400);
    expect(((await v1.json()) as { error: object }).error).toMatchObject({
      code: 'BAD_URL',
      type: 'invalid_request_error',
      param: null,
    });
  });
});

describe('paths nobody serves', () => {
  it('are 404 before their body is read: malformed JSON, a huge declared length or an internal route alike', async () => {
    for (const [path, body, headers] of [
      ['/internal/gpts/x/runtime', '{not json', { 'content-type': 'application/json' }],
      ['/nowhere', 'x'.repeat(1024), { 'content-type': 'application/octet-stream' }],
      ['/internal/files', '{"a":1}', { 'content-type': 'application/json', 'x-service-token': 'guess' }],
    ] as const) {
      const response = await fetch(`${origin}${path}`, { method: 'POST', body, headers });
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
    }
    // A route that exists still reads and checks its body.
    const malformed = await fetch(`${origin}/api/auth/login`, {
      method: 'POST',
      body: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
  });
});

describe('the ops listener', () => {
  it('has /metrics and /health/ready, which the public port answers 404 for', async () => {
    for (const path of ['/metrics', '/health/ready']) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
    }
    // Constant and free: kept public for load balancers in front.
    expect((await fetch(`${origin}/health/live`)).status).toBe(200);
    expect((await fetch(`${ops}/health/live`)).status).toBe(200);
  });

  it('exports Prometheus text with the public requests', async () => {
    await fetch(`${origin}/api/gpts`);
    const response = await fetch(`${ops}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    expect(text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
    expect(text).toMatch(
      /http_request_duration_seconds_count\{service="web",[^}]*route="\/api\/\*"[^}]*\} [1-9]/,
    );
  });

  it('is closed with the app, as the public port is', async () => {
    const app = await buildWeb(
      loadWebConfig({ REGISTRY_URL: urlOf(registry.app.server), LOG_LEVEL: 'silent' }),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    await app.ops!.listen({ port: 0, host: '127.0.0.1' });
    const [publicUrl, opsUrl] = [urlOf(app.server), urlOf(app.ops!.server)];
    expect((await fetch(`${opsUrl}/health/ready`)).status).toBe(200);
    await app.close();
    await expect(fetch(`${publicUrl}/health/live`)).rejects.toThrow();
    await expect(fetch(`${opsUrl}/health/live`)).rejects.toThrow();
  });

  it('is on loopback port 5001 unless OPS_PORT and OPS_HOST say otherwise', () => {
    expect(loadWebConfig({})).toMatchObject({ PORT: 5000, OPS_PORT: 5001, OPS_HOST: '127.0.0.1' });
    expect(loadWebConfig({ OPS_PORT: '9101', OPS_HOST: '0.0.0.0' })).toMatchObject({
      OPS_PORT: 9101,
      OPS_HOST: '0.0.0.0',
    });
  });
});

describe('when an upstream is down', () => {
  it('answers 502 UPSTREAM_UNAVAILABLE and reports not ready', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = urlOf(dead);
    await new Promise((resolve) => dead.close(resolve));
    const lonely = await buildWeb(loadWebConfig({ REGISTRY_URL: deadUrl, LOG_LEVEL: 'silent' }));
    try {
      const response = await lonely.inject({ method: 'GET', url: '/api/gpts' });
      expect(response.statusCode).toBe(502);
      expect(response.json().error.code).toBe('UPSTREAM_UNAVAILABLE');
      expect((await lonely.ops!.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);
      expect((await lonely.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
      const noGateway = await lonely.inject({ method: 'GET', url: '/v1/models' });
      expect(noGateway.statusCode).toBe(404);
    } finally {
      await lonely.close();
    }
  });
});

describe("the origin's own errors on /v1", () => {
  it("are in OpenAI's shape, as the gateway's are: gateway down, a body too large, no gateway at all", async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = urlOf(dead);
    await new Promise((resolve) => dead.close(resolve));
    const downstream = await buildWeb(
      loadWebConfig({ REGISTRY_URL: deadUrl, GATEWAY_URL: deadUrl, LOG_LEVEL: 'silent' }),
    );
    const noGateway = await buildWeb(loadWebConfig({ REGISTRY_URL: deadUrl, LOG_LEVEL: 'silent' }));
    try {
      const ask = (app: WebApp, body: string) =>
        app.inject({
          method: 'POST',
          url: '/v1/chat/completions',
          headers: { 'content-type': 'application/json' },
          payload: body,
        });
      const down = await ask(downstream, '{"model":"phi3","messages":[]}');
      expect(down.statusCode).toBe(502);
      expect(down.json()).toEqual({
        error: {
          code: 'UPSTREAM_UNAVAILABLE',
          message: expect.any(String),
          type: 'server_error',
          param: null,
        },
      });
      const huge = await ask(downstream, JSON.stringify({ text: 'x'.repeat(MAX_JSON_BODY_BYTES) }));
      expect(huge.statusCode).toBe(413);
      expect(huge.json().error).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        type: 'invalid_request_error',
        param: null,
      });
      const missing = await ask(noGateway, '{}');
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error).toMatchObject({ code: 'ROUTE_NOT_FOUND', type: 'not_found_error' });
      // The rest of the API keeps its own shape.
      const api = await downstream.inject({ method: 'GET', url: '/api/gpts' });
      expect(api.json()).toEqual({ error: { code: 'UPSTREAM_UNAVAILABLE', message: expect.any(String) } });
    } finally {
      await downstream.close();
      await noGateway.close();
    }
  });
});
