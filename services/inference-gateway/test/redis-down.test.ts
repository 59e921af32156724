import { captureLogs } from '@chatty/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closedPort } from '../../action-runner/test/target-servers.js';
import {
  type CoServices,
  type GatewayHarness,
  gatewayWith,
  post,
  startCoServices,
  userWithGpt,
} from './harness.js';

/** The gateway with its Redis gone (the fair-use limits' counters and confirmations live there). */
let co: CoServices;
let harness: GatewayHarness;
const logs = captureLogs('inference-gateway', 'info');
beforeAll(async () => {
  co = await startCoServices();
  harness = await gatewayWith(
    co,
    [{ models: ['phi3'] }],
    {
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
      CHAT_RATE_PER_MINUTE: '30',
      CHAT_MAX_CONCURRENT: '3',
    },
    { logger: logs.logger },
  );
});
afterAll(async () => {
  await harness.close();
  await co.close();
});

it('refuses chat with a clear 503 at once, keeps what needs only Postgres, and logs the outage once', async () => {
  const user = await userWithGpt(harness);
  const started = Date.now();
  const chat = await post(`${harness.url}/v1/chat/completions`, user.auth, {
    model: 'phi3',
    messages: [{ role: 'user', content: 'hi' }],
  });
  expect(chat.status).toBe(503);
  expect(((await chat.json()) as { error: { code: string } }).error.code).toBe('DEPENDENCY_UNAVAILABLE');
  expect(Date.now() - started).toBeLessThan(5000);
  expect(harness.workers[0]!.requests).toHaveLength(0);

  const session = await post(`${harness.url}/api/gpts/${user.gptId}/sessions`, user.auth, {});
  expect(session.status).toBe(201);
  const ready = await fetch(`${harness.url}/health/ready`);
  expect(ready.status).toBe(503);
  expect(await ready.text()).toContain('redis');

  const outages = logs.lines.filter((line) => line.msg === 'redis unreachable; reconnecting');
  expect(outages).toHaveLength(1);
  expect(outages[0]).toMatchObject({ connection: 'limits', reason: expect.stringMatching(/ECONNREFUSED/) });
});
