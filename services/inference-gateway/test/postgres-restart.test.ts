import type { PrivatePostgres } from '@chatty/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMigratedPostgres } from '../../../test/migrated-database.js';
import {
  type BareGateway,
  type CoServices,
  newSession,
  post,
  readEvents,
  startBareGateway,
  startCoServices,
  userWithGpt,
} from './harness.js';

/*
 * The gateway's Postgres stopped and started again while it serves a session (a database restart or
 * failover): a message in between gets a clear 503 and nothing of it is streamed or stored, and the
 * session goes on once the database is back, with no restart of the gateway.
 */
let postgres: PrivatePostgres;
let co: CoServices;
let gateway: BareGateway;

beforeAll(async () => {
  postgres = await startMigratedPostgres();
  co = await startCoServices();
  gateway = await startBareGateway(
    { registryUrl: co.doubles.url, ingestUrl: co.doubles.url, databaseUrl: postgres.url('chatty') },
    [{ models: ['phi3'] }],
  );
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await co?.close();
  await postgres?.destroy();
});

it('answers 503 and stores nothing while Postgres is down, and goes on with the session once it is back', async () => {
  const harness = { ...gateway, registry: co.registry, doubles: co.doubles };
  const owner = await userWithGpt(harness);
  const sessionId = await newSession(gateway, owner);
  const say = (content: string) =>
    post(`${gateway.url}/api/sessions/${sessionId}/messages`, owner.auth, { content }, 'text/event-stream');
  expect((await readEvents(await say('First'))).at(-1)?.event).toBe('done');

  await postgres.stop();
  const during = await say('Second');
  expect(during.status).toBe(503);
  const body = await during.text();
  expect(JSON.parse(body).error.code).toBe('DEPENDENCY_UNAVAILABLE');
  expect(body).not.toContain('event: delta');

  await postgres.start();
  const deadline = Date.now() + 15_000;
  let after = await say('Third');
  while (after.status !== 200 && Date.now() < deadline) {
    await after.text();
    await new Promise((resolve) => setTimeout(resolve, 100));
    after = await say('Third');
  }
  expect((await readEvents(after)).at(-1)?.event).toBe('done');

  const session = await fetch(`${gateway.url}/api/sessions/${sessionId}`, { headers: owner.auth });
  const messages = ((await session.json()) as { messages: Array<{ role: string; content: string }> })
    .messages;
  expect(messages.filter((message) => message.role === 'user').map((message) => message.content)).toEqual([
    'First',
    'Third',
  ]);
}, 60_000);
