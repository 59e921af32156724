import { tokensOf } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../../gpt-registry/test/harness.js';
import { type GatewayHarness, newSession, post, readEvents, startGateway, userWithGpt } from './harness.js';

let harness: GatewayHarness;

beforeAll(async () => {
  harness = await startGateway([{ models: ['phi3', 'mistral', 'deepseek-coder'] }]);
});
afterAll(() => harness.close());

describe('sessions and messages', () => {
  it('creates a session, answers a message, keeps the history and sends it with the next turn', async () => {
    const owner = await userWithGpt(harness, { instructions: 'Always answer in French.' });
    const sessionId = await newSession(harness, owner);
    const first = await post(`${harness.url}/api/sessions/${sessionId}/messages`, owner.auth, {
      content: 'Hi there',
    });
    expect(first.status).toBe(200);
    const { message } = (await first.json()) as { message: { role: string; content: string; model: string } };
    expect(message).toMatchObject({ role: 'assistant', content: 'Hello from phi3', model: 'phi3' });

    await post(`${harness.url}/api/sessions/${sessionId}/messages`, owner.auth, { content: 'And again' });
    const prompt = harness.workers[0]!.requests.at(-1)!.body.messages!;
    expect(prompt[0]).toMatchObject({ role: 'system' });
    expect(prompt[0]!.content).toContain('Always answer in French.');
    expect(prompt.slice(1).map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hi there'],
      ['assistant', 'Hello from phi3'],
      ['user', 'And again'],
    ]);

    const session = await fetch(`${harness.url}/api/sessions/${sessionId}`, { headers: owner.auth });
    const body = (await session.json()) as {
      gptId: string;
      createdAt: string;
      updatedAt: string;
      messages: Array<{ role: string }>;
    };
    expect(body.gptId).toBe(owner.gptId);
    // Storing a turn touches its session: updatedAt says when it was last spoken in.
    expect(Date.parse(body.updatedAt)).toBeGreaterThan(Date.parse(body.createdAt));
    expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);

    const list = await fetch(`${harness.url}/api/gpts/${owner.gptId}/sessions`, { headers: owner.auth });
    expect(((await list.json()) as { items: Array<{ id: string }> }).items.map((s) => s.id)).toEqual([
      sessionId,
    ]);
  });

  it('puts the persistent context from the registry into the prompt', async () => {
    const owner = await userWithGpt(harness);
    const put = await harness.registry.app.inject({
      method: 'PUT',
      url: `/api/gpts/${owner.gptId}/context`,
      headers: owner.auth,
      payload: { context: 'The user is called Ada and prefers metric units.' },
    });
    expect(put.statusCode).toBe(200);
    const sessionId = await newSession(harness, owner);
    await post(`${harness.url}/api/sessions/${sessionId}/messages`, owner.auth, {
      content: 'How tall is it?',
    });
    expect(harness.workers[0]!.requests.at(-1)!.body.messages![0]!.content).toContain('prefers metric units');
  });

  it('streams delta events as tokens arrive, then done with the stored message', async () => {
    const owner = await userWithGpt(harness);
    const sessionId = await newSession(harness, owner);
    const response = await post(
      `${harness.url}/api/sessions/${sessionId}/messages`,
      owner.auth,
      { content: 'Stream please' },
      'text/event-stream',
    );
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = await readEvents(response);
    const deltas = events.filter((e) => e.event === 'delta').map((e) => e.data.content);
    expect(deltas).toEqual(tokensOf('Hello from phi3'));
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect((done.data.message as { content: string }).content).toBe('Hello from phi3');
  });

  it('deletes a session with its messages', async () => {
    const owner = await userWithGpt(harness);
    const sessionId = await newSession(harness, owner);
    const removed = await fetch(`${harness.url}/api/sessions/${sessionId}`, {
      method: 'DELETE',
      headers: owner.auth,
    });
    expect(removed.status).toBe(204);
    expect((await fetch(`${harness.url}/api/sessions/${sessionId}`, { headers: owner.auth })).status).toBe(
      404,
    );
  });

  it('rejects an empty message with 400 and stores nothing', async () => {
    const owner = await userWithGpt(harness);
    const sessionId = await newSession(harness, owner);
    const response = await post(`${harness.url}/api/sessions/${sessionId}/messages`, owner.auth, {
      content: '',
    });
    expect(response.status).toBe(400);
    const session = await fetch(`${harness.url}/api/sessions/${sessionId}`, { headers: owner.auth });
    expect(((await session.json()) as { messages: unknown[] }).messages).toEqual([]);
  });

  it('needs a caller: 401 without a token', async () => {
    const response = await fetch(`${harness.url}/api/models`);
    expect(response.status).toBe(401);
  });
});

describe("another user's GPT or session", () => {
  it('answers 404 on every chat route', async () => {
    const owner = await userWithGpt(harness);
    const sessionId = await newSession(harness, owner);
    const stranger = await signUp(harness.registry.app);
    const routes: Array<[string, string, unknown?]> = [
      ['POST', `/api/gpts/${owner.gptId}/sessions`, {}],
      ['GET', `/api/gpts/${owner.gptId}/sessions`],
      ['POST', `/api/gpts/${owner.gptId}/load`, {}],
      ['GET', `/api/sessions/${sessionId}`],
      ['POST', `/api/sessions/${sessionId}/messages`, { content: 'let me in' }],
      ['DELETE', `/api/sessions/${sessionId}`],
    ];
    for (const [method, path, body] of routes) {
      const response = await fetch(`${harness.url}${path}`, {
        method,
        headers: { ...stranger.auth, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const completion = await post(`${harness.url}/v1/chat/completions`, stranger.auth, {
      model: owner.gptId,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.status).toBe(404);
    // The owner's session is untouched.
    expect((await fetch(`${harness.url}/api/sessions/${sessionId}`, { headers: owner.auth })).status).toBe(
      200,
    );
  });
});
