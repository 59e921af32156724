import { createServer, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustedProxies } from '../src/trusted-proxies.js';
import { timedGet } from './slow-sockets.js';

/** A stand-in registry: answers at once, except `/api/slow`, which waits until released. */
const held: ServerResponse[] = [];
const upstream = createServer((request, response) => {
  if (request.url === '/api/slow') return void held.push(response);
  response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
});
const release = () => {
  for (const response of held.splice(0)) response.end('{}');
};

const apps: WebApp[] = [];
async function origin(env: Record<string, string>) {
  const { port } = upstream.address() as { port: number };
  const app = await buildWeb(
    loadWebConfig({ REGISTRY_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'silent', ...env }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
  return { url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, app };
}

const connected = (port: number, localAddress: string) =>
  new Promise<Socket>((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(socket));
    socket.on('error', () => {});
  });

beforeAll(() => new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve)));
afterAll(async () => {
  release();
  for (const app of apps) {
    const closing = app.close();
    app.server.closeAllConnections();
    await closing;
  }
  upstream.close();
});

describe('TRUST_PROXY, read from the socket alone', () => {
  it('knows the named ranges, ranges and addresses, and IPv4 clients of a dual-stack listener', () => {
    const trusted = trustedProxies(['loopback', '10.1.0.0/16', '2001:db8::7']);
    expect(trusted('127.0.0.9')).toBe(true);
    expect(trusted('::ffff:127.0.0.1')).toBe(true);
    expect(trusted('::1')).toBe(true);
    expect(trusted('10.1.200.3')).toBe(true);
    expect(trusted('10.2.0.1')).toBe(false);
    expect(trusted('2001:db8::7')).toBe(true);
    expect(trusted('203.0.113.5')).toBe(false);
    expect(trusted(undefined)).toBe(false);
    expect(trustedProxies(false)('127.0.0.1')).toBe(false);
    expect(trustedProxies(true)('203.0.113.5')).toBe(true);
    expect(() => trustedProxies(['not-a-range'])).toThrow(/TRUST_PROXY/);
  });
});

describe('the per-address cap behind a trusted proxy', () => {
  it('does not cap the proxy’s connections, but each forwarded client’s requests in flight', async () => {
    const { url, app } = await origin({ TRUST_PROXY: '127.0.0.4', MAX_CONNECTIONS_PER_IP: '2' });
    const port = (app.server.address() as { port: number }).port;
    // Five connections from the proxy, past the cap of two: all of them served.
    const sockets = await Promise.all(Array.from({ length: 5 }, () => connected(port, '127.0.0.4')));
    const answers = await Promise.all(
      sockets.map(
        (socket, i) =>
          new Promise<string>((resolve) => {
            socket.once('data', (data) => resolve(data.toString()));
            socket.write(`GET /api/x HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.${10 + i}\r\n\r\n`);
          }),
      ),
    );
    for (const answer of answers) expect(answer.slice(0, 12)).toBe('HTTP/1.1 200');
    for (const socket of sockets) socket.destroy();

    const via = (client: string, path = '/api/x') =>
      timedGet(`${url}${path}`, { 'x-forwarded-for': client }, { localAddress: '127.0.0.4' });
    const slow = [via('203.0.113.7', '/api/slow'), via('203.0.113.7', '/api/slow')];
    while (held.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const third = await via('203.0.113.7');
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body)).toMatchObject({ error: { code: 'TOO_MANY_CONNECTIONS' } });
    expect((await via('203.0.113.8')).status).toBe(200);
    release();
    expect((await Promise.all(slow)).map((answer) => answer.status)).toEqual([200, 200]);
    expect((await via('203.0.113.7')).status).toBe(200);
  });

  it('caps a direct client’s connections, and takes it back once they close', async () => {
    const { url, app } = await origin({ MAX_CONNECTIONS_PER_IP: '2' });
    const port = (app.server.address() as { port: number }).port;
    const sockets = [await connected(port, '127.0.0.5'), await connected(port, '127.0.0.5')];
    expect((await timedGet(`${url}/api/x`, {}, { localAddress: '127.0.0.5' })).status).toBe(429);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await timedGet(`${url}/api/x`, {}, { localAddress: '127.0.0.5' })).status).toBe(200);
  });
});

describe('the global cap', () => {
  it('drops connections past MAX_CONNECTIONS at once, without an answer', async () => {
    const { app } = await origin({ MAX_CONNECTIONS: '3' });
    const port = (app.server.address() as { port: number }).port;
    const open = await Promise.all(
      ['127.0.0.6', '127.0.0.7', '127.0.0.8'].map((source) => connected(port, source)),
    );
    const started = Date.now();
    const extra = await connected(port, '127.0.0.9');
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      extra.on('data', (data) => (text += data));
      extra.on('close', () => resolve(text));
      extra.write('GET /api/x HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    expect(answer).toBe('');
    expect(Date.now() - started).toBeLessThan(500);
    for (const socket of open) expect(socket.destroyed).toBe(false);
    for (const socket of open) socket.destroy();
  });
});
