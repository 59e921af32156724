import { randomUUID } from 'node:crypto';
import { type OllamaChatRequest, type OllamaServerOptions, tokensOf } from '@chatty/testkit';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../../gpt-registry/test/harness.js';
import {
  type CoServices,
  type GatewayHarness,
  gatewayWith,
  newSession,
  post,
  readEvents,
  startCoServices,
  userWithGpt,
} from './harness.js';

// One registry for the file; each test gets its gateways (and their workers) of its own.
let co: CoServices;
const running: GatewayHarness[] = [];
beforeAll(async () => {
  co = await startCoServices();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((harness) => harness.close()));
});
afterAll(() => co.close());

/** "long" takes 2 s (20 tokens, 100 ms apart); anything else is one quick token. */
const SLOW_WORKER: OllamaServerOptions = {
  models: ['phi3'],
  tokenDelayMs: 100,
  reply: (request: OllamaChatRequest) => ({
    tokens: request.messages?.at(-1)?.content === 'long' ? tokensOf('word '.repeat(20)) : ['ok'],
  }),
};

async function start(env: Record<string, string>, worker: OllamaServerOptions = SLOW_WORKER) {
  const harness = await gatewayWith(co, [worker], env);
  running.push(harness);
  return harness;
}

const ask = (h: { url: string }, auth: Record<string, string>, content = 'hi', init: RequestInit = {}) =>
  fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'phi3', stream: true, messages: [{ role: 'user', content }] }),
    ...init,
  });

/** A stream that has begun (its first chunk is in): its slot is taken until `stop` or its end. */
async function holding(h: { url: string }, auth: Record<string, string>) {
  const controller = new AbortController();
  const response = await ask(h, auth, 'long', { signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  await reader.read();
  return {
    stop: () => controller.abort(),
    finish: async () => {
      while (!(await reader.read()).done);
    },
  };
}

async function apiKeyOf(auth: Record<string, string>) {
  const response = await co.registry.app.inject({
    method: 'POST',
    url: '/api/keys',
    headers: auth,
    payload: { name: `script ${randomUUID()}` },
  });
  return { authorization: `Bearer ${(response.json() as { key: string }).key}` };
}

async function expectRefused(response: Response, code: string, message: RegExp) {
  expect(response.status).toBe(429);
  const body = (await response.json()) as { error: Record<string, unknown> };
  // /v1 answers in OpenAI's shape: the same code and message, with OpenAI's type and param beside them.
  const openAi = new URL(response.url).pathname.startsWith('/v1/');
  expect(body).toEqual({
    error: {
      code,
      message: expect.stringMatching(message),
      ...(openAi && { type: 'rate_limit_error', param: null }),
    },
  });
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('chat requests per minute', () => {
  it('refuses the N+1th request of a minute with 429 and Retry-After, counting /v1 and session messages together', async () => {
    const h = await start({ CHAT_RATE_PER_MINUTE: '3' });
    const owner = await userWithGpt(h);
    const sessionId = await newSession(h, owner);
    expect((await ask(h, owner.auth)).status).toBe(200);
    expect(
      (await post(`${h.url}/api/sessions/${sessionId}/messages`, owner.auth, { content: 'hi' })).status,
    ).toBe(200);
    expect((await ask(h, owner.auth)).status).toBe(200);

    await expectRefused(
      await ask(h, owner.auth),
      'RATE_LIMITED',
      /^This account may send 3 chat requests a minute; retry in \d+ s$/,
    );
    await expectRefused(
      await post(`${h.url}/api/sessions/${sessionId}/messages`, owner.auth, { content: 'hi' }),
      'RATE_LIMITED',
      /^This account may send 3/,
    );
    // The official client sees OpenAI's rate-limit error, with the message under `error` as OpenAI has it.
    const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: owner.token, maxRetries: 0 });
    await expect(
      client.chat.completions.create({ model: 'phi3', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // Someone else is not affected.
    const other = await signUp(co.registry.app);
    expect((await ask(h, other.auth)).status).toBe(200);
  });

  it('limits each API key on its own, within its owner’s allowance', async () => {
    const h = await start({ CHAT_RATE_PER_MINUTE: '4', CHAT_KEY_RATE_PER_MINUTE: '2' });
    const owner = await signUp(co.registry.app);
    const [script, other] = [await apiKeyOf(owner.auth), await apiKeyOf(owner.auth)];
    expect((await ask(h, script)).status).toBe(200);
    expect((await ask(h, script)).status).toBe(200);
    // Every attempt counts, the refused one too: the account is at 3 of 4 after this.
    await expectRefused(
      await ask(h, script),
      'RATE_LIMITED',
      /^This API key may send 2 chat requests a minute/,
    );
    expect((await ask(h, other)).status).toBe(200);
    await expectRefused(await ask(h, owner.auth), 'RATE_LIMITED', /^This account may send 4/);
  });
});

describe('answers in progress at once', () => {
  it('refuses the N+1th with 429 and Retry-After, and frees a slot as soon as an answer ends', async () => {
    const h = await start({ CHAT_MAX_CONCURRENT: '2' });
    const owner = await signUp(co.registry.app);
    const first = await holding(h, owner.auth);
    const second = await holding(h, owner.auth);
    await expectRefused(
      await ask(h, owner.auth),
      'CONCURRENCY_LIMITED',
      /^This account already has 2 answers in progress/,
    );
    await first.finish();
    // No waiting: the slot is released before the client hears the end of the answer.
    expect((await ask(h, owner.auth)).status).toBe(200);
    second.stop();
  });

  it('limits each API key on its own, within its owner’s allowance', async () => {
    const h = await start({ CHAT_MAX_CONCURRENT: '3', CHAT_KEY_MAX_CONCURRENT: '1' });
    const owner = await signUp(co.registry.app);
    const [script, other] = [await apiKeyOf(owner.auth), await apiKeyOf(owner.auth)];
    const held = [await holding(h, script)];
    await expectRefused(await ask(h, script), 'CONCURRENCY_LIMITED', /^This API key already has 1 answers/);
    held.push(await holding(h, other), await holding(h, owner.auth));
    await expectRefused(await ask(h, owner.auth), 'CONCURRENCY_LIMITED', /^This account already has 3/);
    for (const each of held) each.stop();
  });

  it('frees the slot when the client disconnects mid-stream', async () => {
    const h = await start({ CHAT_MAX_CONCURRENT: '1' });
    const owner = await signUp(co.registry.app);
    const stream = await holding(h, owner.auth);
    expect((await ask(h, owner.auth)).status).toBe(429);
    stream.stop();
    // The answer had 2 s to go; the slot is back as soon as the gateway sees the client leave.
    await expect
      .poll(async () => (await ask(h, owner.auth)).status, { timeout: 1000, interval: 50 })
      .toBe(200);
  });

  it('frees the slot when the generation fails, before or after the first token', async () => {
    const h = await start(
      { CHAT_MAX_CONCURRENT: '1', WORKER_CONCURRENCY: '1' },
      { models: ['phi3'], resetAfterTokens: 2 },
    );
    const owner = await userWithGpt(h);
    const sessionId = await newSession(h, owner);
    // Cut mid-answer: the stream ends with an error event...
    await h.workers[0]!.setFault('reset');
    const cut = await post(
      `${h.url}/api/sessions/${sessionId}/messages`,
      owner.auth,
      { content: 'go' },
      'text/event-stream',
    );
    expect((await readEvents(cut)).at(-1)!.event).toBe('error');
    // ...and the next request is let in at once (the slot went before the error event did): it fails
    // on the worker's error answer before any token, with 503, not 429.
    await h.workers[0]!.setFault(null);
    await expect.poll(() => h.gateway.router.pool.workers[0]!.healthy, { timeout: 3000 }).toBe(true);
    h.workers[0]!.setReply(() => ({ error: { status: 500, message: 'out of memory' } }));
    const asked = h.workers[0]!.requests.length;
    const failed = await ask(h, owner.auth);
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('MODEL_UNAVAILABLE');
    expect(h.workers[0]!.requests.length).toBe(asked + 1);
    h.workers[0]!.setReply(() => ({ tokens: ['fine'] }));
    expect((await ask(h, owner.auth)).status).toBe(200);
  });
});

describe('across gateway replicas', () => {
  it('counts rates and answers in progress once for every replica on the same Redis', async () => {
    const shared = {
      REDIS_PREFIX: `chatty-test-${randomUUID()}`,
      CHAT_RATE_PER_MINUTE: '3',
      CHAT_MAX_CONCURRENT: '1',
    };
    const [one, two] = [await start(shared), await start(shared)];
    const owner = await signUp(co.registry.app);
    const stream = await holding(one, owner.auth);
    await expectRefused(await ask(two, owner.auth), 'CONCURRENCY_LIMITED', /already has 1 answers/);
    await stream.finish();
    expect((await ask(two, owner.auth)).status).toBe(200);
    // Three requests so far, one refused, all counted: the fourth is over the minute's allowance.
    await expectRefused(await ask(one, owner.auth), 'RATE_LIMITED', /^This account may send 3/);
  });

  it("frees a replica's slots after CHAT_LEASE_TTL_MS when it can no longer release them (it crashed)", async () => {
    const shared = {
      REDIS_PREFIX: `chatty-test-${randomUUID()}`,
      CHAT_MAX_CONCURRENT: '1',
      CHAT_LEASE_TTL_MS: '600',
    };
    const [survivor, doomed] = [await start(shared), await start(shared)];
    const owner = await signUp(co.registry.app);
    const stream = await holding(doomed, owner.auth);
    // Renewals keep a live answer's slot past the TTL...
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await ask(survivor, owner.auth)).status).toBe(429);
    // ...until its replica is cut off from Redis as a crash would: no renewal, no release.
    doomed.gateway.limitsRedis!.disconnect();
    const cutAt = Date.now();
    await expect
      .poll(async () => (await ask(survivor, owner.auth)).status, { timeout: 2000, interval: 50 })
      .toBe(200);
    expect(Date.now() - cutAt).toBeLessThan(1500);
    stream.stop();
  });
});
