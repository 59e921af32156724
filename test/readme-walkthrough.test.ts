import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { databaseUrl, dropDatabase, testDatabaseName } from '@chatty/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, startStack, withFreePorts } from './start-harness.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced block after a marker line in the README. */
function blockAfter(marker: string): string {
  const start = readme.indexOf(marker);
  if (start < 0) throw new Error(`README has no "${marker}"`);
  const match = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!match) throw new Error(`README has no code block after "${marker}"`);
  return match[1]!;
}

const databases: string[] = [];
afterAll(async () => {
  for (const name of databases) await dropDatabase(name);
});

describe('npm start', () => {
  it('runs the README walk-through as written, then stops cleanly on Ctrl-C', {
    timeout: 180_000,
  }, async () => {
    const database = testDatabaseName('start');
    databases.push(database);
    // The weather service of the document's action: a stand-in on loopback, which the egress policy
    // lets actions reach only because it is listed.
    const weatherCalls: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
    const weather = createHttpServer((request, response) => {
      weatherCalls.push({ url: request.url ?? '', headers: request.headers });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ location: { name: 'London' }, current: { temp_c: 14 } }));
    });
    await new Promise<void>((resolve) => weather.listen(0, '127.0.0.1', resolve));
    const weatherHost = `127.0.0.1:${(weather.address() as AddressInfo).port}`;
    const env = await withFreePorts({
      DATABASE_URL: databaseUrl(database),
      ACTION_EGRESS_ALLOW: weatherHost,
    });
    const port = env.PORT;
    const stack = startStack(env);
    try {
      await stack.waitFor('[start] Chatty is ready');
      expect(stack.output()).toContain('database created');

      const { stdout } = await promisify(execFile)(
        'bash',
        ['-euo', 'pipefail', '-c', blockAfter('<!-- walkthrough')],
        {
          env: { ...process.env, BASE: `http://127.0.0.1:${port}`, WEATHER_API: `http://${weatherHost}` },
        },
      );
      expect(stdout).toBe(blockAfter('It prints:'));
      // The action reached the weather service as the document wrote it, then with the argument.
      const queries = weatherCalls.map(({ url }) => {
        const parsed = new URL(url, 'http://weather');
        return { path: parsed.pathname, query: Object.fromEntries(parsed.searchParams) };
      });
      expect(queries).toEqual([
        { path: '/v1/current.json', query: { key: 'YOUR_API_KEY', q: 'London' } },
        { path: '/v1/current.json', query: { key: 'YOUR_API_KEY', q: 'Paris' } },
      ]);
      expect(weatherCalls.map(({ headers }) => headers.authorization)).toEqual([
        'Bearer YOUR_API_KEY',
        'Bearer YOUR_API_KEY',
      ]);
    } finally {
      stack.child.kill('SIGINT');
      weather.close();
    }
    expect(await stack.exited).toBe(0);
    expect(stack.output()).toContain('[start] stopped');
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${env.OPS_PORT}/health/live`)).rejects.toThrow();
  });

  it('stops everything, without retrying, when a service fails at start-up', {
    timeout: 180_000,
  }, async () => {
    const database = testDatabaseName('start');
    databases.push(database);
    // The registry's port is taken, so it exits at start-up.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const env = await withFreePorts({
      REGISTRY_PORT: String((squatter.address() as { port: number }).port),
      DATABASE_URL: databaseUrl(database),
    });
    const port = env.PORT;
    const stack = startStack(env);
    try {
      expect(await stack.exited).toBe(1);
      expect(stack.output()).toMatch(/gpt-registry exited during start-up \(code 1\); stopping the others/);
      // A start-up failure is not retried: it would fail the same way.
      expect(stack.output()).not.toMatch(/restarting in/);
      await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    } finally {
      squatter.close();
      stack.child.kill('SIGKILL');
    }
  });
});
