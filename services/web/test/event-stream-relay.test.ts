import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServiceApp } from '@chatty/shared';
import { captureLogs } from '@chatty/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUpstream } from '../src/proxy.js';
import { createUpstreamPools } from '../src/upstream-pools.js';

/*
 * A service's event stream through the origin: passed on as it comes, and, when the service dies or
 * stalls mid-answer, ended with a well-formed error event in the API's shape instead of a cut.
 */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const closedRequests: string[] = [];

const service = createServer(async (request: IncomingMessage, response) => {
  request.on('close', () => closedRequests.push(request.url ?? ''));
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  const path = request.url ?? '';
  if (path.endsWith('/whole')) {
    // Events split across writes at awkward places, and two in one write.
    for (const piece of [
      'event: delta\ndata: {"content":"é',
      'a"}\n',
      '\nevent: delta\ndata: {}\n\nevent: done\n',
      'data: {}\n\n',
    ]) {
      response.write(piece);
      await pause(20);
    }
    return response.end();
  }
  if (path.endsWith('/cut')) {
    response.write(
      path.startsWith('/v1/') ? 'data: {"id":"1"}\n\n' : 'event: delta\ndata: {"content":"Hel"}\n\n',
    );
    response.write('event: delta\ndata: {"cont');
    await pause(50);
    return response.destroy();
  }
  if (path.endsWith('/silent')) {
    response.write('event: delta\ndata: {"content":"Hel"}\n\n');
    return; // and nothing more
  }
  if (path.endsWith('/endless')) {
    const timer = setInterval(() => response.write('event: delta\ndata: {"content":"x"}\n\n'), 10);
    response.on('close', () => clearInterval(timer));
  }
});
let origin: FastifyInstance;
let url: string;
const pools = createUpstreamPools();
const logs = captureLogs('web', 'warn');

beforeAll(async () => {
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  origin = (await createServiceApp({ service: 'web', logger: logs.logger })) as unknown as FastifyInstance;
  for (const prefix of ['/api', '/v1']) {
    const upstream = {
      name: 'inference-gateway',
      url: `http://127.0.0.1:${(service.address() as AddressInfo).port}`,
      prefix,
      connections: 4,
      headersTimeoutMs: 1000,
      bodyIdleTimeoutMs: 300,
    };
    await registerUpstream(origin, upstream, pools.dispatcherFor(upstream));
  }
  await origin.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(origin.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await origin.close();
  await pools.close();
  service.closeAllConnections();
  service.close();
});

describe('an event stream through the origin', () => {
  it('arrives byte for byte however the service splits its writes', async () => {
    const response = await fetch(`${url}/api/stream/whole`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(await response.text()).toBe(
      'event: delta\ndata: {"content":"éa"}\n\nevent: delta\ndata: {}\n\nevent: done\ndata: {}\n\n',
    );
  });

  it('ends with an error event, not a cut, when the service dies mid-answer; the half event is dropped', async () => {
    const response = await fetch(`${url}/api/stream/cut`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const events = text.split('\n\n').filter(Boolean);
    expect(events[0]).toBe('event: delta\ndata: {"content":"Hel"}');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatch(/^event: error\ndata: /);
    expect(JSON.parse(events[1]!.split('data: ')[1]!)).toEqual({
      error: {
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'inference-gateway stopped mid-answer; the answer is incomplete, retry shortly',
      },
    });
    expect(logs.text()).toContain('upstream stream cut mid-answer');
  });

  it("ends a /v1 stream with OpenAI's error shape", async () => {
    const text = await (await fetch(`${url}/v1/stream/cut`)).text();
    const events = text.split('\n\n').filter(Boolean);
    expect(events[0]).toBe('data: {"id":"1"}');
    expect(JSON.parse(events[1]!.slice('data: '.length))).toMatchObject({
      error: { type: 'server_error', code: 'UPSTREAM_UNAVAILABLE', param: null },
    });
  });

  it('ends with UPSTREAM_TIMEOUT when the service goes silent mid-answer', async () => {
    const text = await (await fetch(`${url}/api/stream/silent`)).text();
    expect(text).toContain('event: delta\ndata: {"content":"Hel"}\n\n');
    expect(text).toMatch(/event: error\ndata: \{"error":\{"code":"UPSTREAM_TIMEOUT"/);
  });

  it("stops the service's answer when the client goes away", async () => {
    const controller = new AbortController();
    const response = await fetch(`${url}/api/stream/endless`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const deadline = Date.now() + 3000;
    while (!closedRequests.includes('/api/stream/endless') && Date.now() < deadline) await pause(10);
    expect(closedRequests).toContain('/api/stream/endless');
  });
});
