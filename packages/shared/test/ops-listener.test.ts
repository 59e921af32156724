import type { AddressInfo } from 'node:net';
import { createServiceApp, runService } from '@chatty/shared';
import { captureLogs } from '@chatty/testkit';
import { describe, expect, it } from 'vitest';

async function publicApp(ready = true) {
  const logs = captureLogs('public', 'info');
  const app = await createServiceApp({
    service: 'public',
    logger: logs.logger,
    opsListener: true,
    readiness: { upstream: async () => (ready ? 'ok' : Promise.reject(new Error('connect ECONNREFUSED'))) },
  });
  app.get('/things/:id', async () => ({}));
  return app;
}

const urlOf = (server: { address(): AddressInfo | string | null }) =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe('a service app with an ops listener', () => {
  it('answers 404 for /metrics and /health/ready on its own port, and keeps /health/live', async () => {
    const app = await publicApp();
    for (const url of ['/metrics', '/health/ready']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('ROUTE_NOT_FOUND');
    }
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });

  it('serves them on app.ops: readiness by its checks, metrics of the main app’s requests', async () => {
    const app = await publicApp();
    const ops = app.ops!;
    await app.inject({ method: 'GET', url: '/things/1' });
    const metrics = await ops.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/things\/:id"[^}]*\} 1/);
    expect((await ops.inject({ method: 'GET', url: '/health/ready' })).json()).toEqual({
      status: 'ok',
      checks: { upstream: 'ok' },
    });
    expect((await ops.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect((await ops.inject({ method: 'GET', url: '/things/1' })).statusCode).toBe(404);
    const sick = await (await publicApp(false)).ops!.inject({ method: 'GET', url: '/health/ready' });
    expect(sick.statusCode).toBe(503);
  });

  it('closes the ops listener when it is closed', async () => {
    const app = await publicApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    await app.ops!.listen({ port: 0, host: '127.0.0.1' });
    const [main, ops] = [urlOf(app.server), urlOf(app.ops!.server)];
    expect((await fetch(`${ops}/health/ready`)).status).toBe(200);
    await app.close();
    await expect(fetch(`${main}/health/live`)).rejects.toThrow();
    await expect(fetch(`${ops}/health/live`)).rejects.toThrow();
  });

  it('is refused by runService without an ops address, as an ops address is without the option', async () => {
    const log = captureLogs('run', 'info').logger;
    const app = await publicApp();
    await expect(runService(app, { port: 0, host: '127.0.0.1', log })).rejects.toThrow(/ops address/);
    const plain = await createServiceApp({ service: 'plain', logger: log });
    await expect(
      runService(plain, { port: 0, host: '127.0.0.1', log, ops: { port: 0, host: '127.0.0.1' } }),
    ).rejects.toThrow(/opsListener/);
    expect(app.server.listening || plain.server.listening).toBe(false);
  });
});
