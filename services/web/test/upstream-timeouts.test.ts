import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServiceApp } from '@chatty/shared';
import { captureLogs } from '@chatty/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUpstream } from '../src/proxy.js';
import { createUpstreamPools } from '../src/upstream-pools.js';

/** A service that never answers `/api/mute`, and on `/api/pause` starts an answer and goes quiet. */
const stuck: ServerResponse[] = [];
const service = createServer((request, response) => {
  stuck.push(response);
  if (request.url === '/api/pause') response.writeHead(200, { 'content-type': 'text/plain' }).write('first ');
});
let origin: FastifyInstance;
let url: string;
const pools = createUpstreamPools();

beforeAll(async () => {
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  const app = await createServiceApp({ service: 'web', logger: captureLogs('web', 'silent').logger });
  origin = app as unknown as FastifyInstance;
  const upstream = {
    name: 'stuck-service',
    url: `http://127.0.0.1:${(service.address() as AddressInfo).port}`,
    prefix: '/api',
    connections: 4,
    headersTimeoutMs: 300,
    bodyIdleTimeoutMs: 300,
  };
  await registerUpstream(origin, upstream, pools.dispatcherFor(upstream));
  await origin.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(origin.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const response of stuck) response.destroy();
  await origin.close();
  await pools.close();
  service.close();
});

describe('requests from the origin to a service', () => {
  it('answer 504 UPSTREAM_TIMEOUT when the service does not start answering in time', async () => {
    const started = Date.now();
    const response = await fetch(`${url}/api/mute`);
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: { code: 'UPSTREAM_TIMEOUT' } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('are cut when an answer in progress stays silent too long', async () => {
    const response = await fetch(`${url}/api/pause`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });
});
