import { type OllamaChatRequest, tokensOf } from '@chatty/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../../gpt-registry/test/harness.js';
import { HeldSessions } from '../src/chat/held-sessions.js';
import type { SessionRow } from '../src/db/schema.js';
import { type GatewayHarness, newSession, post, readEvents, startGateway, userWithGpt } from './harness.js';
import { stillPending, until } from './waiting.js';
import { startWeatherApi, type WeatherApi } from './weather-api.js';

/*
 * A session's next turn starts its model on the history this replica last left the session with,
 * while the database is read; the read decides what the caller hears and what is stored. These tests
 * hold the database back (a lock on the messages table) to see the order of things, and change the
 * session behind the replica's back to see a wrong guess dropped.
 */
let harness: GatewayHarness;
let weatherApi: WeatherApi;

/** Calls the weather tool when offered and no tool has answered yet; otherwise says how long the chat is. */
function scriptedModel(request: OllamaChatRequest) {
  const messages = request.messages ?? [];
  const toolResult = messages.findLast((message) => message.role === 'tool');
  if (request.tools?.length && !toolResult)
    return { toolCalls: [{ name: request.tools[0]!.function.name, arguments: { city: 'Oslo' } }] };
  if (toolResult) return { tokens: tokensOf('The tool has answered.') };
  return {
    tokens: tokensOf(`Message ${messages.filter((message) => message.role === 'user').length} heard.`),
  };
}

beforeAll(async () => {
  weatherApi = await startWeatherApi();
  harness = await startGateway([
    { models: ['phi3', 'mistral'], withoutTools: ['mistral'], reply: scriptedModel },
  ]);
});
afterAll(async () => {
  await harness.close();
  await weatherApi.close();
});

const weatherAction = () => weatherApi.action('5d0f8a3e-2c41-4b7e-8f0a-6e2b9c1d3a77');

const send = (owner: { auth: Record<string, string> }, sessionId: string, content: string) =>
  post(`${harness.url}/api/sessions/${sessionId}/messages`, owner.auth, { content }, 'text/event-stream');

/** A whole turn, read to its end (the turn is stored before its `done` event). */
async function talk(owner: { auth: Record<string, string> }, sessionId: string, content: string) {
  const events = await readEvents(await send(owner, sessionId, content));
  expect(events.at(-1)!.event).toBe('done');
}

const chatRequests = () => harness.workers[0]!.requests.filter((request) => request.path === '/api/chat');

/**
 * Runs `during` while the gateway's database cannot read chat messages (an exclusive lock in a
 * transaction of its own), then lets it go. `during` must not read them either.
 */
async function withMessagesLocked(during: () => Promise<void>): Promise<void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const holding = harness.gateway.chatDb.transaction().execute(async (trx) => {
    await sql`lock table chat_message in access exclusive mode`.execute(trx);
    locked();
    await released;
  });
  await isLocked;
  try {
    await during();
  } finally {
    release();
    await holding;
  }
}

async function storedMessages(sessionId: string) {
  return harness.gateway.chatDb
    .selectFrom('chat_message')
    .select(['role', 'content'])
    .where('session_id', '=', sessionId)
    .orderBy('seq')
    .execute();
}

describe('a turn started on the history this replica last left', () => {
  it('asks the model before the database has answered, and streams nothing until it has', async () => {
    const owner = await userWithGpt(harness);
    const sessionId = await newSession(harness, owner);
    await talk(owner, sessionId, 'First');
    const before = chatRequests().length;

    let answering!: Promise<Response>;
    await withMessagesLocked(async () => {
      answering = send(owner, sessionId, 'Second');
      // The model is asked while the history cannot be read...
      await until(() => chatRequests().length > before, 'the model to be asked');
      // ...but the caller hears nothing, not even the headers, until the read confirms the guess.
      expect(await stillPending(answering)).toBe(true);
    });
    const events = await readEvents(await answering);
    expect(events.filter((e) => e.event === 'delta').map((e) => e.data.content)).toEqual(
      tokensOf('Message 2 heard.'),
    );
    expect(events.at(-1)!.event).toBe('done');
    // The guess was right: one generation, on the whole history.
    expect(chatRequests().length - before).toBe(1);
    expect(
      chatRequests()
        .at(-1)!
        .body.messages!.slice(1)
        .map((m) => m.content),
    ).toEqual(['First', 'Message 1 heard.', 'Second']);
    expect((await storedMessages(sessionId)).map((m) => m.content)).toEqual([
      'First',
      'Message 1 heard.',
      'Second',
      'Message 2 heard.',
    ]);
  });

  it('drops a wrong guess: a turn stored elsewhere is in the prompt, and only the right answer is streamed', async () => {
    const owner = await userWithGpt(harness);
    const sessionId = await newSession(harness, owner);
    await talk(owner, sessionId, 'First');
    // Another replica answers a turn in the same session: this replica's guess is now one turn short.
    await harness.gateway.chatDb
      .insertInto('chat_message')
      .values([
        { session_id: sessionId, role: 'user', content: 'Elsewhere' },
        { session_id: sessionId, role: 'assistant', content: 'Answered elsewhere.' },
      ])
      .execute();
    const before = chatRequests().length;

    let answering!: Promise<Response>;
    await withMessagesLocked(async () => {
      answering = send(owner, sessionId, 'Third');
      await until(() => chatRequests().length > before, 'the model to be asked on the guess');
    });
    const events = await readEvents(await answering);
    // The guessed answer ("Message 2 heard.") never reaches the caller.
    expect(events.filter((e) => e.event === 'delta').map((e) => e.data.content)).toEqual(
      tokensOf('Message 3 heard.'),
    );
    expect(chatRequests().length - before).toBe(2);
    expect(
      chatRequests()
        .at(-1)!
        .body.messages!.slice(1)
        .map((m) => m.content),
    ).toEqual(['First', 'Message 1 heard.', 'Elsewhere', 'Answered elsewhere.', 'Third']);
    expect((await storedMessages(sessionId)).map((m) => m.content)).toEqual([
      'First',
      'Message 1 heard.',
      'Elsewhere',
      'Answered elsewhere.',
      'Third',
      'Message 3 heard.',
    ]);
  });

  it('answers 404 for a session deleted elsewhere, with nothing streamed or stored', async () => {
    const owner = await userWithGpt(harness);
    const sessionId = await newSession(harness, owner);
    await talk(owner, sessionId, 'First');
    await harness.gateway.chatDb.deleteFrom('chat_session').where('id', '=', sessionId).execute();
    const response = await send(owner, sessionId, 'Anyone there?');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await storedMessages(sessionId)).toEqual([]);
  });

  it("never starts a model for another user's session", async () => {
    const owner = await userWithGpt(harness);
    const sessionId = await newSession(harness, owner);
    await talk(owner, sessionId, 'First');
    const stranger = await signUp(harness.registry.app);
    const before = chatRequests().length;
    const response = await send(stranger, sessionId, 'Let me in');
    expect(response.status).toBe(404);
    expect(chatRequests().length).toBe(before);
  });

  it("runs the model's tool call only once the guess is confirmed", async () => {
    const owner = await userWithGpt(harness, {}, [weatherAction()]);
    const sessionId = await newSession(harness, owner);
    await talk(owner, sessionId, 'First');
    const calls = weatherApi.calls.length;
    const before = chatRequests().length;

    let answering!: Promise<Response>;
    await withMessagesLocked(async () => {
      answering = send(owner, sessionId, 'Weather?');
      await until(() => chatRequests().length > before, 'the model to call its tool');
      // The model has asked for the tool; the tool waits for the database.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(weatherApi.calls.length).toBe(calls);
    });
    const events = await readEvents(await answering);
    expect(events.filter((e) => e.event === 'action').map((e) => e.data.status)).toEqual(['running', 'ok']);
    expect(weatherApi.calls.length).toBe(calls + 1);
  });

  it('runs an action a model without tools is given by intent only once the guess is confirmed', async () => {
    const owner = await userWithGpt(harness, { modelId: 'mistral' }, [weatherAction()]);
    const sessionId = await newSession(harness, owner);
    await talk(owner, sessionId, 'First');
    const calls = weatherApi.calls.length;

    let answering!: Promise<Response>;
    await withMessagesLocked(async () => {
      answering = send(owner, sessionId, 'Run get_weather with city: Bergen please');
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(weatherApi.calls.length).toBe(calls);
    });
    const events = await readEvents(await answering);
    expect(events.at(-1)!.event).toBe('done');
    expect(weatherApi.calls.length).toBe(calls + 1);
  });
});

describe('HeldSessions', () => {
  const row = (id: string): SessionRow => ({
    id,
    user_id: 'u1',
    gpt_id: 'g1',
    created_at: new Date(),
    updated_at: new Date(),
  });
  const said = (chars: number) => [{ role: 'user' as const, content: 'x'.repeat(chars) }];

  it("answers only the session's own user", () => {
    const held = new HeldSessions();
    held.hold('u1', row('s1'), said(3));
    expect(held.get('u1', 's1')?.history).toEqual(said(3));
    expect(held.get('u2', 's1')).toBeUndefined();
  });

  it('lets the least recently held sessions go past either limit, and never holds a huge history', () => {
    const byCount = new HeldSessions({ sessions: 2, chars: 1000 });
    for (const id of ['s1', 's2', 's3']) byCount.hold('u1', row(id), said(10));
    expect(['s1', 's2', 's3'].map((id) => byCount.get('u1', id) !== undefined)).toEqual([false, true, true]);

    const byChars = new HeldSessions({ sessions: 100, chars: 1000 });
    for (let index = 1; index <= 11; index++) byChars.hold('u1', row(`s${index}`), said(100));
    expect(byChars.size).toBe(10);
    expect(byChars.get('u1', 's1')).toBeUndefined();
    // Holding a session again makes it the most recent, and counts its chars once.
    byChars.hold('u1', row('s2'), said(100));
    byChars.hold('u1', row('s12'), said(100));
    expect(byChars.get('u1', 's2')).toBeDefined();
    expect(byChars.get('u1', 's3')).toBeUndefined();
    // Over a tenth of the limit: never held, and what was held for the session is let go.
    byChars.hold('u1', row('s2'), said(101));
    expect(byChars.get('u1', 's2')).toBeUndefined();
    expect(byChars.size).toBe(9);
  });
});
