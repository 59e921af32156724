import { ChattyClient } from '@chatty/client';
import { tokensOf } from '@chatty/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt } from '../../gpt-registry/test/harness.js';
import { type GatewayHarness, newSession, post, startGateway, userWithGpt } from './harness.js';

// GET /api/gpts/:id/sessions and GET /api/sessions/:sessionId a page at a time.

let harness: GatewayHarness;
/** Sign-ups are rate limited: two users for the file, each test a GPT of its own. */
let alice: Owner;
let stranger: Owner;

beforeAll(async () => {
  // The model echoes the question, so each message of a session can be told apart.
  harness = await startGateway([
    {
      models: ['phi3'],
      reply: (request) => {
        const question = request.messages?.filter((m) => m.role === 'user').at(-1)?.content ?? '';
        return { tokens: tokensOf(`Re: ${question}`) };
      },
    },
  ]);
  alice = await userWithGpt(harness);
  stranger = await userWithGpt(harness);
});
afterAll(() => harness.close());

type Owner = Awaited<ReturnType<typeof userWithGpt>>;

/** What the tests read of an answer: a page of sessions, a session's page of messages, or an error. */
interface Answer {
  items: Array<{ id: string }>;
  nextCursor?: string;
  id: string;
  messages: Array<{ content: string }>;
  olderCursor?: string;
  error: { code: string };
}

async function get(path: string, auth: Record<string, string>) {
  const response = await fetch(`${harness.url}${path}`, { headers: auth });
  return { status: response.status, body: (await response.json()) as Answer };
}

/** Another GPT of the same user, known to the runtime double as the user's first one is. */
async function newGpt(user: Owner): Promise<Owner> {
  const created = await createGpt(harness.registry.app, user.auth, { name: 'Pages', modelId: 'phi3' });
  harness.doubles.runtimes.set(created.id, {
    ...harness.doubles.runtimes.get(user.gptId)!,
    gpt: { ...harness.doubles.runtimes.get(user.gptId)!.gpt, id: created.id },
  });
  return { ...user, gptId: created.id };
}

const sessionsPath = (owner: Owner, query = '') => `/api/gpts/${owner.gptId}/sessions${query}`;

/** Every session of the owner's GPT, `limit` a page, following nextCursor; `between` runs between pages. */
async function pageThroughSessions(owner: Owner, limit: number, between?: (ids: string[]) => Promise<void>) {
  const pages: string[][] = [];
  let query = `?limit=${limit}`;
  for (;;) {
    const { status, body } = await get(sessionsPath(owner, query), owner.auth);
    expect(status, JSON.stringify(body)).toBe(200);
    pages.push(body.items.map((session: { id: string }) => session.id));
    if (!body.nextCursor) return pages;
    await between?.(pages.at(-1)!);
    query = `?limit=${limit}&cursor=${encodeURIComponent(body.nextCursor)}`;
  }
}

/** `count` sessions of the owner's GPT, the newest first. */
async function sessionsOf(owner: Owner, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.unshift(await newSession(harness, owner));
  return ids;
}

describe('GET /api/gpts/:id/sessions pages', () => {
  it('pages through 7 sessions 3 at a time, each once, newest first', async () => {
    const owner = await newGpt(alice);
    const ids = await sessionsOf(owner, 7);
    const pages = await pageThroughSessions(owner, 3);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(ids);
    // By default one page of 50: all of them, and no cursor.
    const { body } = await get(sessionsPath(owner), owner.auth);
    expect(body.items.map((session: { id: string }) => session.id)).toEqual(ids);
    expect(body).not.toHaveProperty('nextCursor');
  });

  it('ends without a cursor when the last page is full', async () => {
    const owner = await newGpt(alice);
    const ids = await sessionsOf(owner, 4);
    const pages = await pageThroughSessions(owner, 2);
    // A third, empty page would do no harm, but only when more follow is there a cursor.
    expect(pages).toEqual([ids.slice(0, 2), ids.slice(2)]);
  });

  it('goes on after the session a cursor ends at is deleted', async () => {
    const owner = await newGpt(alice);
    const ids = await sessionsOf(owner, 7);
    let deleted: string | undefined;
    const pages = await pageThroughSessions(owner, 3, async (page) => {
      if (deleted) return;
      deleted = page.at(-1)!;
      const response = await fetch(`${harness.url}/api/sessions/${deleted}`, {
        method: 'DELETE',
        headers: owner.auth,
      });
      expect(response.status).toBe(204);
    });
    expect(deleted).toBe(ids[2]);
    expect(pages.flat()).toEqual(ids);
  });

  it('tells apart sessions made within the same millisecond, and the same microsecond by id', async () => {
    const owner = await newGpt(alice);
    const ids = await sessionsOf(owner, 4);
    // Microseconds apart: a cursor cut to the millisecond would skip sessions.
    for (const [i, id] of ids.entries()) {
      await sql`update chat_session
                set created_at = '2030-01-01T00:00:00.000500Z'::timestamptz - ${i} * interval '1 microsecond'
                where id = ${id}`.execute(harness.gateway.chatDb);
    }
    expect((await pageThroughSessions(owner, 1)).flat()).toEqual(ids);
    // The very same instant: the id decides, and still each comes once.
    await sql`update chat_session set created_at = '2030-01-01T00:00:00.000500Z'
              where gpt_id = ${owner.gptId}`.execute(harness.gateway.chatDb);
    expect((await pageThroughSessions(owner, 1)).flat()).toEqual([...ids].sort().reverse());
  });

  const position = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
  it.each([
    ['a word', 'not-a-cursor'],
    ['an empty cursor', ''],
    ['a session id', '00000000-0000-4000-8000-000000000000'],
    ['base64 of something else', Buffer.from('{"a":1}').toString('base64url')],
    ['a position with a malformed id', position(['2030-01-01T00:00:00.000000Z', 'x'])],
    ['a 30 February', position(['2030-02-30T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000'])],
    ['the year 0', position(['0000-01-01T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000'])],
    ["a session's olderCursor", position(['42'])],
  ])('answers 400 INVALID_CURSOR for %s', async (_label, cursor) => {
    const owner = await newGpt(alice);
    const { status, body } = await get(
      sessionsPath(owner, `?cursor=${encodeURIComponent(cursor)}`),
      owner.auth,
    );
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe('INVALID_CURSOR');
  });

  it('answers 400 INVALID_CURSOR for an issued cursor with a character added', async () => {
    const owner = await newGpt(alice);
    await sessionsOf(owner, 2);
    const { body } = await get(sessionsPath(owner, '?limit=1'), owner.auth);
    const tampered = await get(
      sessionsPath(owner, `?limit=1&cursor=${encodeURIComponent(`${body.nextCursor}=`)}`),
      owner.auth,
    );
    expect(tampered.status).toBe(400);
    expect(tampered.body.error.code).toBe('INVALID_CURSOR');
  });

  it('answers 400 for a limit out of 1–100', async () => {
    const owner = await newGpt(alice);
    for (const limit of ['0', '101', '-1', 'many']) {
      const { status, body } = await get(sessionsPath(owner, `?limit=${limit}`), owner.auth);
      expect(status, limit).toBe(400);
      expect(body.error.code).toBe('VALIDATION_ERROR');
    }
    for (const limit of ['1', '100']) {
      expect((await get(sessionsPath(owner, `?limit=${limit}`), owner.auth)).status).toBe(200);
    }
  });

  it("answers 404 for another user's GPT, with the owner's cursor too", async () => {
    const owner = await newGpt(alice);
    await sessionsOf(owner, 2);
    const { body } = await get(sessionsPath(owner, '?limit=1'), owner.auth);
    expect((await get(sessionsPath(owner), stranger.auth)).status).toBe(404);
    const withCursor = await get(
      sessionsPath(owner, `?limit=1&cursor=${encodeURIComponent(body.nextCursor!)}`),
      stranger.auth,
    );
    expect(withCursor.status).toBe(404);
    expect(withCursor.body.error.code).toBe('NOT_FOUND');
  });

  it('lists only the sessions of that GPT, whatever page', async () => {
    const owner = await newGpt(alice);
    await sessionsOf(await newGpt(alice), 2);
    await sessionsOf(await newGpt(stranger), 2);
    const ids = await sessionsOf(owner, 3);
    expect((await pageThroughSessions(owner, 2)).flat()).toEqual(ids);
  });
});

describe('GET /api/sessions/:sessionId pages its messages', () => {
  /** A session of `turns` turns: questions `Q1`…, each answered `Re: Qn`. */
  async function sessionWithTurns(owner: Owner, turns: number) {
    const sessionId = await newSession(harness, owner);
    for (let i = 1; i <= turns; i++) {
      const response = await post(`${harness.url}/api/sessions/${sessionId}/messages`, owner.auth, {
        content: `Q${i}`,
      });
      expect(response.status).toBe(200);
    }
    return sessionId;
  }

  const contents = (body: Answer) => body.messages.map((message) => message.content);
  const transcript = (turns: number) =>
    Array.from({ length: turns }, (_, i) => [`Q${i + 1}`, `Re: Q${i + 1}`]).flat();

  it('answers the newest page, oldest first, and the pages before it with ?before=', async () => {
    const owner = await newGpt(alice);
    const sessionId = await sessionWithTurns(owner, 4);

    const whole = await get(`/api/sessions/${sessionId}`, owner.auth);
    expect(contents(whole.body)).toEqual(transcript(4));
    expect(whole.body).not.toHaveProperty('olderCursor');
    expect(whole.body).toMatchObject({ id: sessionId, gptId: owner.gptId });

    const pages: string[][] = [];
    let query = '?limit=3';
    for (;;) {
      const { status, body } = await get(`/api/sessions/${sessionId}${query}`, owner.auth);
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body).toMatchObject({ id: sessionId, gptId: owner.gptId });
      pages.push(contents(body));
      if (!body.olderCursor) break;
      query = `?limit=3&before=${encodeURIComponent(body.olderCursor)}`;
    }
    expect(pages).toEqual([
      ['Re: Q3', 'Q4', 'Re: Q4'],
      ['Q2', 'Re: Q2', 'Q3'],
      ['Q1', 'Re: Q1'],
    ]);
    expect(pages.reverse().flat()).toEqual(transcript(4));
  });

  it('pages only what it shows: the model still reads the whole history', async () => {
    const owner = await newGpt(alice);
    const sessionId = await sessionWithTurns(owner, 3);
    const { body } = await get(`/api/sessions/${sessionId}?limit=1`, owner.auth);
    expect(contents(body)).toEqual(['Re: Q3']);
    await post(`${harness.url}/api/sessions/${sessionId}/messages`, owner.auth, { content: 'Q4' });
    const prompt = harness.workers[0]!.requests.at(-1)!.body.messages!;
    expect(prompt.slice(1).map((message) => message.content)).toEqual([...transcript(3), 'Q4']);
  });

  it('answers an empty session without a cursor', async () => {
    const owner = await newGpt(alice);
    const sessionId = await newSession(harness, owner);
    const { status, body } = await get(`/api/sessions/${sessionId}?limit=1`, owner.auth);
    expect(status).toBe(200);
    expect(body.messages).toEqual([]);
    expect(body).not.toHaveProperty('olderCursor');
  });

  it('answers 400 for a limit out of 1–500', async () => {
    const owner = await newGpt(alice);
    const sessionId = await newSession(harness, owner);
    for (const limit of ['0', '501', 'all']) {
      const { status, body } = await get(`/api/sessions/${sessionId}?limit=${limit}`, owner.auth);
      expect(status, limit).toBe(400);
      expect(body.error.code).toBe('VALIDATION_ERROR');
    }
    expect((await get(`/api/sessions/${sessionId}?limit=500`, owner.auth)).status).toBe(200);
  });

  const position = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
  it.each([
    ['a word', 'not-a-cursor'],
    ['an empty cursor', ''],
    ['a bare number', '42'],
    ['a message seq, not its id', position(['42'])],
    ['the id of no message', position(['00000000-0000-4000-8000-000000000000'])],
    ['an id in capitals', position(['00000000-0000-4000-8000-00000000000A'])],
    ['a number, not text', position([42])],
    [
      'a sessions nextCursor',
      position(['2030-01-01T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000']),
    ],
  ])('answers 400 INVALID_CURSOR for a before of %s', async (_label, before) => {
    const owner = await newGpt(alice);
    const sessionId = await newSession(harness, owner);
    const { status, body } = await get(
      `/api/sessions/${sessionId}?before=${encodeURIComponent(before)}`,
      owner.auth,
    );
    expect(status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe('INVALID_CURSOR');
  });

  it("answers 400 INVALID_CURSOR for another session's olderCursor, even the caller's own", async () => {
    const owner = await newGpt(alice);
    const first = await sessionWithTurns(owner, 2);
    const second = await sessionWithTurns(owner, 2);
    const { body } = await get(`/api/sessions/${first}?limit=1`, owner.auth);
    const elsewhere = await get(
      `/api/sessions/${second}?before=${encodeURIComponent(body.olderCursor!)}`,
      owner.auth,
    );
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.code).toBe('INVALID_CURSOR');
  });

  it("answers 404 for another user's session, with the owner's olderCursor too", async () => {
    const owner = await newGpt(alice);
    const sessionId = await sessionWithTurns(owner, 1);
    const { body } = await get(`/api/sessions/${sessionId}?limit=1`, owner.auth);
    expect(body.olderCursor).toEqual(expect.any(String));
    for (const query of ['', '?limit=1', `?limit=1&before=${encodeURIComponent(body.olderCursor!)}`]) {
      const answer = await get(`/api/sessions/${sessionId}${query}`, stranger.auth);
      expect(answer.status, query).toBe(404);
      expect(answer.body.error.code).toBe('NOT_FOUND');
    }
  });
});

describe('the client (and so the chatty CLI)', () => {
  it('still reads every session and every message, following the cursors past a page', async () => {
    const owner = await newGpt(alice);
    const sessionId = await newSession(harness, owner);
    // Made in SQL: a hundred sessions and more than a page of messages through the model would be slow.
    await sql`insert into chat_session (user_id, gpt_id, created_at)
              select ${owner.user.id}::uuid, ${owner.gptId}::uuid, now() - n * interval '1 second'
              from generate_series(1, 120) n`.execute(harness.gateway.chatDb);
    await sql`insert into chat_message (session_id, role, content)
              select ${sessionId}::uuid, case when n % 2 = 1 then 'user' else 'assistant' end, 'M' || n
              from generate_series(1, 1100) n order by n`.execute(harness.gateway.chatDb);
    const client = new ChattyClient({ baseUrl: harness.url, token: owner.token });

    const sessions = await client.listSessions(owner.gptId);
    expect(sessions).toHaveLength(121);
    expect(new Set(sessions.map((session) => session.id)).size).toBe(121);
    expect(sessions[0]!.id).toBe(sessionId);

    const session = await client.getSession(sessionId);
    expect(session.messages.map((message) => message.content)).toEqual(
      Array.from({ length: 1100 }, (_, i) => `M${i + 1}`),
    );
    expect(session).not.toHaveProperty('olderCursor');
  });
});
