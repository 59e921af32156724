import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { logRedisOutages } from '@chatty/shared';
import { captureLogs, freePort } from '@chatty/testkit';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';

let server: ChildProcess | undefined;
let client: Redis | undefined;
afterEach(async () => {
  client?.disconnect();
  server?.kill();
  if (server) await once(server, 'exit');
});

const until = async (condition: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

it('logs an outage once however often the reconnection fails, and its end once', async () => {
  const port = await freePort();
  const logs = captureLogs('outages');
  client = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 20, maxRetriesPerRequest: 1 });
  logRedisOutages(client, logs.logger, 'limits');
  let failures = 0;
  client.on('error', () => failures++);
  await until(() => failures >= 5, 'five failed connections');
  const lost = logs.lines.filter((line) => line.msg === 'redis unreachable; reconnecting');
  expect(lost).toHaveLength(1);
  expect(lost[0]).toMatchObject({
    level: 40,
    connection: 'limits',
    reason: expect.stringMatching(/ECONNREFUSED/),
  });

  // A real Redis comes up on the port: the client reconnects by itself and says so, once.
  server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await until(() => logs.lines.some((line) => line.msg === 'redis reachable again'), 'the reconnection');
  expect(await client.ping()).toBe('PONG');
  expect(logs.lines.filter((line) => line.msg === 'redis reachable again')).toHaveLength(1);
});
