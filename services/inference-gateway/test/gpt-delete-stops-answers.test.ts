import { cloneTestDatabase, type OllamaChatRequest, type TestDatabase, tokensOf } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../test/start-harness.js';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../../gpt-registry/test/harness.js';
import { type BareGateway, newSession, post, type SseEvent, startBareGateway } from './harness.js';
import { until } from './waiting.js';

/*
 * Deleting a GPT stops the answers being given with it, on every gateway replica: the model's
 * request is aborted and the client hears NOT_FOUND at once. Two replicas on the registry's database
 * (as deployed); the registry asks the first (GATEWAY_URL) to delete the GPT's sessions, and the
 * second learns of the delete from the database's change notices only.
 */
let registry: RegistryHarness;
/** The replica the registry calls. */
let called: BareGateway;
/** A replica the registry does not call. */
let other: BareGateway;

/** 45 tokens, one every 100 ms: a 4.5-second answer. */
const SLOW = { tokens: tokensOf(Array.from({ length: 45 }, (_, i) => `word${i}`).join(' ')) };
const TOKEN_DELAY_MS = 100;

let database: TestDatabase;

beforeAll(async () => {
  const registryPort = await freePort();
  database = await cloneTestDatabase(inject('templateDatabase'));
  const services = { registryUrl: `http://127.0.0.1:${registryPort}`, databaseUrl: database.url };
  // A GPT with an action has it called first (the call waits for the user's confirmation).
  const reply = (request: OllamaChatRequest) =>
    request.tools?.length && !request.messages?.some((message) => message.role === 'tool')
      ? { toolCalls: [{ name: 'transfer_funds', arguments: {} }] }
      : SLOW;
  const worker = { models: ['phi3'], reply, tokenDelayMs: TOKEN_DELAY_MS };
  [called, other] = await Promise.all([
    startBareGateway(services, [worker]),
    startBareGateway(services, [worker]),
  ]);
  registry = await startRegistry({ GATEWAY_URL: called.url, DATABASE_URL: database.url });
  await registry.app.listen({ port: registryPort, host: '127.0.0.1' });
  await until(
    () => Boolean(called.gateway.turnDeps.inFlight?.listening && other.gateway.turnDeps.inFlight?.listening),
    'both replicas to hear the change notices',
  );
});
afterAll(async () => {
  await Promise.all([called?.close(), other?.close()]);
  await registry?.close();
  await database?.drop();
});

/** An answer being streamed: its events so far, and when it ended. */
interface Streamed {
  events: SseEvent[];
  /** Plain `data:` lines (OpenAI's format), parsed. */
  data: unknown[];
  ended: Promise<number>;
}

function streamed(response: Response): Streamed {
  const result: Streamed = { events: [], data: [], ended: Promise.resolve(0) };
  result.ended = (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const bytes of response.body!) {
      buffered += decoder.decode(bytes, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf('\n\n');
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data === undefined) continue;
        if (event) result.events.push({ event, data: JSON.parse(data) });
        else result.data.push(data === '[DONE]' ? data : JSON.parse(data));
      }
    }
    return Date.now();
  })();
  return result;
}

const SSE = 'text/event-stream';

describe('deleting a GPT while it is answering', () => {
  it('ends its streams on every replica with NOT_FOUND within a second, and the model stops', async () => {
    const owner = await signUp(registry.app);
    const gpt = await createGpt(registry.app, owner.auth, { name: 'Doomed', modelId: 'phi3' });
    const ask = async (gateway: BareGateway) => {
      const sessionId = await newSession(gateway, { auth: owner.auth, gptId: gpt.id });
      return streamed(
        await post(`${gateway.url}/api/sessions/${sessionId}/messages`, owner.auth, { content: 'Go' }, SSE),
      );
    };
    const onOther = await ask(other);
    const onCalled = await ask(called);
    const completion = streamed(
      await post(`${other.url}/v1/chat/completions`, owner.auth, {
        model: gpt.id,
        stream: true,
        messages: [{ role: 'user', content: 'Go' }],
      }),
    );
    const deltas = (answer: Streamed) => answer.events.filter((event) => event.event === 'delta').length;
    await until(
      () => deltas(onOther) > 0 && deltas(onCalled) > 0 && completion.data.length > 1,
      'the answers to be streaming',
    );
    expect(other.workers[0]!.active).toBe(2);
    expect(called.workers[0]!.active).toBe(1);

    const deleted = await registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/${gpt.id}`,
      headers: owner.auth,
    });
    expect(deleted.statusCode).toBe(204);
    const deletedAt = Date.now();

    for (const answer of [onOther, onCalled]) {
      expect((await answer.ended) - deletedAt).toBeLessThan(1000);
      expect(answer.events.at(-1)).toMatchObject({
        event: 'error',
        data: { error: { code: 'NOT_FOUND', message: expect.stringContaining('deleted') } },
      });
      // Well before the whole answer: 45 tokens.
      expect(deltas(answer)).toBeLessThan(30);
    }
    expect((await completion.ended) - deletedAt).toBeLessThan(1000);
    expect(completion.data.at(-1)).toMatchObject({ error: { type: 'not_found_error' } });
    expect(completion.data.filter((chunk) => chunk !== '[DONE]').length).toBeLessThan(30);
    // The model's requests were cut: the workers see their connections close.
    await expect.poll(() => other.workers[0]!.active, { timeout: 1000 }).toBe(0);
    await expect.poll(() => called.workers[0]!.active, { timeout: 1000 }).toBe(0);
    expect(other.gateway.turnDeps.inFlight?.size).toBe(0);
    expect(called.gateway.turnDeps.inFlight?.size).toBe(0);
  });

  it('leaves the answers of other GPTs, and of a GPT only changed, alone', async () => {
    const owner = await signUp(registry.app);
    const kept = await createGpt(registry.app, owner.auth, { name: 'Kept', modelId: 'phi3' });
    const doomed = await createGpt(registry.app, owner.auth, { name: 'Doomed', modelId: 'phi3' });
    const sessionId = await newSession(other, { auth: owner.auth, gptId: kept.id });
    const answer = streamed(
      await post(`${other.url}/api/sessions/${sessionId}/messages`, owner.auth, { content: 'Go' }, SSE),
    );
    await until(() => answer.events.some((event) => event.event === 'delta'), 'the answer to stream');
    const changed = await registry.app.inject({
      method: 'PUT',
      url: `/api/gpts/${kept.id}`,
      headers: owner.auth,
      payload: { description: 'Changed while answering' },
    });
    expect(changed.statusCode).toBe(200);
    const deleted = await registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/${doomed.id}`,
      headers: owner.auth,
    });
    expect(deleted.statusCode).toBe(204);
    await answer.ended;
    expect(answer.events.at(-1)?.event).toBe('done');
    expect(answer.events.filter((event) => event.event === 'delta')).toHaveLength(45);
  }, 15_000);

  it('ends a wait for the user to confirm an action: a decision sent afterwards comes too late', async () => {
    const owner = await signUp(registry.app);
    const gpt = await createGpt(registry.app, owner.auth, { name: 'Banker', modelId: 'phi3' });
    const action = await registry.app.inject({
      method: 'POST',
      url: `/api/gpts/${gpt.id}/actions`,
      headers: owner.auth,
      payload: {
        name: 'transfer_funds',
        description: 'Moves money',
        url: 'https://bank.example/transfer',
        method: 'POST',
      },
    });
    expect(action.statusCode, action.body).toBe(201);
    const sessionId = await newSession(other, { auth: owner.auth, gptId: gpt.id });
    const answer = streamed(
      await post(`${other.url}/api/sessions/${sessionId}/messages`, owner.auth, { content: 'Pay' }, SSE),
    );
    await until(() => answer.events.some((event) => event.event === 'confirm'), 'the call to be confirmed');
    const confirmationId = answer.events.find((event) => event.event === 'confirm')!.data.id;

    const deleted = await registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/${gpt.id}`,
      headers: owner.auth,
    });
    expect(deleted.statusCode).toBe(204);
    await answer.ended;
    expect(answer.events.at(-1)).toMatchObject({ event: 'error', data: { error: { code: 'NOT_FOUND' } } });
    // The wait is settled as its turn ends, not at its own timeout: a decision now comes too late.
    // (The session is gone with its GPT, so the public route would answer 404 either way.)
    await new Promise((resolve) => setTimeout(resolve, 500));
    const late = await other.gateway.confirmations.decide(
      owner.user.id,
      sessionId,
      String(confirmationId),
      'allow',
    );
    expect(late).toBe('already-decided');
  });
});
