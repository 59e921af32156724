import { type OllamaChatRequest, tokensOf } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/start-harness.js';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../../gpt-registry/test/harness.js';
import { type BareGateway, newSession, post, readEvents, startBareGateway } from './harness.js';
import { until } from './waiting.js';

/*
 * What a turn stores, whatever happens while it is answered: text Postgres cannot hold, and the
 * session or its GPT deleted before the answer is whole. With the real registry and gateway calling
 * each other, as deployed.
 */
let registry: RegistryHarness;
let chat: BareGateway;

/** "slowly" gets a ten-token answer (a quarter of a second); "nul" an answer holding U+0000. */
function scripted(request: OllamaChatRequest) {
  const question = request.messages?.at(-1)?.content ?? '';
  if (question.includes('nul')) return { tokens: ['before', '\u0000', 'after'] };
  if (question.includes('slowly'))
    return { tokens: tokensOf('one two three four five six seven eight nine ten') };
  return { tokens: tokensOf('hi') };
}

beforeAll(async () => {
  const registryPort = await freePort();
  chat = await startBareGateway({ registryUrl: `http://127.0.0.1:${registryPort}` }, [
    { models: ['phi3'], reply: scripted, tokenDelayMs: 25 },
  ]);
  registry = await startRegistry({ GATEWAY_URL: chat.url });
  await registry.app.listen({ port: registryPort, host: '127.0.0.1' });
});
afterAll(async () => {
  await chat.close();
  await registry.close();
});

async function ownerInSession() {
  const owner = await signUp(registry.app);
  const gpt = await createGpt(registry.app, owner.auth, { name: 'Storing', modelId: 'phi3' });
  const sessionId = await newSession(chat, { auth: owner.auth, gptId: gpt.id });
  return { auth: owner.auth, gptId: gpt.id, sessionId };
}

const send = (user: { auth: Record<string, string>; sessionId: string }, content: string, sse = false) =>
  post(
    `${chat.url}/api/sessions/${user.sessionId}/messages`,
    user.auth,
    { content },
    sse ? 'text/event-stream' : undefined,
  );

async function storedMessages(user: { auth: Record<string, string>; sessionId: string }) {
  const response = await fetch(`${chat.url}/api/sessions/${user.sessionId}`, { headers: user.auth });
  if (response.status !== 200) return response.status;
  return ((await response.json()) as { messages: Array<{ content: string }> }).messages.map((m) => m.content);
}

const chatRequests = () => chat.workers[0]!.requests.filter((request) => request.path === '/api/chat').length;

describe('text Postgres cannot hold', () => {
  it('refuses a message holding U+0000 with a 400 before the model is asked', async () => {
    const user = await ownerInSession();
    const before = chatRequests();
    for (const sse of [false, true]) {
      const response = await send(user, 'a \u0000 b', sse);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('NUL_CHARACTER');
    }
    expect(chatRequests()).toBe(before);
    expect(await storedMessages(user)).toEqual([]);
  });

  it('stores an answer whose model said U+0000 with U+FFFD in its place', async () => {
    const user = await ownerInSession();
    const response = await send(user, 'say nul');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { message: { content: string } }).message.content).toBe(
      'before\uFFFDafter',
    );
    expect(await storedMessages(user)).toEqual(['say nul', 'before\uFFFDafter']);
  });
});

describe('the session or its GPT deleted while a message is answered', () => {
  it('answers 404 (or ends the stream with it) and stores nothing, for a deleted session', async () => {
    for (const sse of [false, true]) {
      const user = await ownerInSession();
      const before = chatRequests();
      const answering = send(user, 'answer slowly', sse);
      await until(() => chatRequests() > before, 'the model to be asked');
      const removed = await fetch(`${chat.url}/api/sessions/${user.sessionId}`, {
        method: 'DELETE',
        headers: user.auth,
      });
      expect(removed.status).toBe(204);
      const response = await answering;
      if (sse) {
        const events = await readEvents(response);
        expect(events.at(-1)).toMatchObject({ event: 'error', data: { error: { code: 'NOT_FOUND' } } });
      } else {
        expect(response.status).toBe(404);
        expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
          'deleted',
        );
      }
      expect(await storedMessages(user)).toBe(404);
    }
  });

  it('answers 404 for a message whose GPT was deleted meanwhile', async () => {
    const user = await ownerInSession();
    const before = chatRequests();
    const answering = send(user, 'answer slowly');
    await until(() => chatRequests() > before, 'the model to be asked');
    const deleted = await registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/${user.gptId}`,
      headers: user.auth,
    });
    expect(deleted.statusCode).toBe(204);
    expect((await answering).status).toBe(404);
    expect(await storedMessages(user)).toBe(404);
  });
});
