import { tokensOf } from '@chatty/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CoServices,
  type GatewayHarness,
  gatewayWith,
  newSession,
  post,
  readEvents,
  startCoServices,
  type TestWorker,
  userWithGpt,
} from './harness.js';

// One registry for the file; each test gets a gateway and workers of its own.
let co: CoServices;
let harness: GatewayHarness | undefined;
beforeAll(async () => {
  co = await startCoServices();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});
afterAll(() => co.close());

const startGateway = (workers: TestWorker[], env: Record<string, string> = {}) =>
  gatewayWith(co, workers, env);

const ask = (h: GatewayHarness, auth: Record<string, string>, model: string, stream = false) =>
  post(`${h.url}/v1/chat/completions`, auth, {
    model,
    stream,
    messages: [{ role: 'user', content: 'hello' }],
  });

async function caller(h: GatewayHarness) {
  return userWithGpt(h);
}

/** A caller who is an admin: only admins see the workers' URLs in /api/models. */
async function adminCaller(h: GatewayHarness) {
  const user = await userWithGpt(h);
  await h.registry.app.db
    .updateTable('app_user')
    .set({ role: 'admin' })
    .where('id', '=', user.user.id)
    .execute();
  return user;
}

describe('model routing', () => {
  it('prefers the worker where the model is already loaded', async () => {
    harness = await startGateway([
      { models: ['phi3'] },
      { models: ['phi3'], loaded: ['phi3'] },
      { models: ['phi3'] },
    ]);
    const user = await caller(harness);
    for (let i = 0; i < 6; i++) expect((await ask(harness, user.auth, 'phi3')).status).toBe(200);
    expect(harness.workers.map((worker) => worker.requests.length)).toEqual([0, 6, 0]);
  });

  it('spreads requests over equal workers and shows them in /api/models', async () => {
    harness = await startGateway([{ models: ['phi3'] }, { models: ['phi3', 'mistral'] }]);
    const user = await adminCaller(harness);
    const models = await fetch(`${harness.url}/api/models`, { headers: user.auth });
    const items = (
      (await models.json()) as { items: Array<{ id: string; available: boolean; workers: unknown[] }> }
    ).items;
    const byId = Object.fromEntries(items.map((item) => [item.id, item]));
    expect(byId.phi3).toMatchObject({ available: true });
    expect(byId.phi3!.workers).toHaveLength(2);
    expect(byId.mistral!.workers).toEqual([{ url: harness.workers[1]!.url, loaded: false }]);
    expect(byId['deepseek-coder']).toMatchObject({ available: false, workers: [] });
    // A synth model is available while its synthesizer and one member are.
    expect(byId['chatty-core']).toMatchObject({ available: true });

    // Worker URLs may hold credentials: only an admin sees them.
    const other = await caller(harness);
    const theirs = await fetch(`${harness.url}/api/models`, { headers: other.auth });
    const text = await theirs.text();
    for (const worker of harness.workers) expect(text).not.toContain(worker.url);
    const mistral = (JSON.parse(text) as { items: Array<{ id: string; workers: unknown[] }> }).items.find(
      (item) => item.id === 'mistral',
    );
    expect(mistral!.workers).toEqual([{ url: 'worker-2', loaded: false }]);
  });

  it('moves traffic off a worker that goes down within 5 s, without failing a request, and back when it returns', async () => {
    harness = await startGateway([
      { models: ['phi3'], tokenDelayMs: 5 },
      { models: ['phi3'], tokenDelayMs: 5 },
    ]);
    const user = await adminCaller(harness);
    const [first, second] = harness.workers;
    await first!.setFault('refuse');
    const killedAt = Date.now();
    const statuses: number[] = [];
    while (Date.now() - killedAt < 1500) {
      const batch = await Promise.all([1, 2, 3].map(() => ask(harness!, user.auth, 'phi3')));
      statuses.push(...batch.map((response) => response.status));
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
    const before = second!.requests.length;
    for (let i = 0; i < 4; i++) await ask(harness, user.auth, 'phi3');
    expect(second!.requests.length - before).toBe(4);
    const models = await fetch(`${harness.url}/api/models`, { headers: user.auth });
    const phi3 = ((await models.json()) as { items: Array<{ id: string; workers: unknown[] }> }).items.find(
      (item) => item.id === 'phi3',
    );
    expect(phi3!.workers).toEqual([{ url: second!.url, loaded: true }]);

    await first!.setFault(null);
    await expect
      .poll(
        async () => {
          const again = await fetch(`${harness!.url}/api/models`, { headers: user.auth });
          const items = ((await again.json()) as { items: Array<{ id: string; workers: unknown[] }> }).items;
          return items.find((item) => item.id === 'phi3')!.workers.length;
        },
        { timeout: 5000, interval: 100 },
      )
      .toBe(2);
  });

  it('moves a request off a worker that hangs once the health check finds it down, well within 5 s', async () => {
    // The default idle timeout (120 s, room for cold model loads) never comes into play.
    harness = await startGateway([{ models: ['phi3'], loaded: ['phi3'] }, { models: ['phi3'] }]);
    const user = await caller(harness);
    await harness.workers[0]!.setFault('hang');
    const started = Date.now();
    const response = await ask(harness, user.auth, 'phi3');
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(harness.workers[0]!.requests).toHaveLength(1);
    expect(harness.workers[1]!.requests).toHaveLength(1);
  });

  it('retries a request on another worker when the first hangs or is busy before the first token', async () => {
    harness = await startGateway([{ models: ['phi3'] }, { models: ['phi3'] }], {
      GENERATION_IDLE_TIMEOUT_MS: '300',
    });
    const user = await caller(harness);
    await harness.workers[0]!.setFault('busy');
    await harness.workers[1]!.setFault('hang');
    // Both fail: with no worker left the model's chain is exhausted.
    const failing = await ask(harness, user.auth, 'phi3');
    expect(failing.status).toBe(503);
    expect(((await failing.json()) as { error: { code: string } }).error.code).toBe('MODEL_UNAVAILABLE');
    await harness.workers[0]!.setFault(null);
    await expect
      .poll(async () => (await ask(harness!, user.auth, 'phi3')).status, { timeout: 3000 })
      .toBe(200);
  });

  it('ends a stream cut mid-answer with a clean error event and frees the slot', async () => {
    harness = await startGateway([{ models: ['phi3'], resetAfterTokens: 2 }], { WORKER_CONCURRENCY: '1' });
    const owner = await userWithGpt(harness);
    const sessionId = await newSession(harness, owner);
    await harness.workers[0]!.setFault('reset');
    const response = await post(
      `${harness.url}/api/sessions/${sessionId}/messages`,
      owner.auth,
      { content: 'go' },
      'text/event-stream',
    );
    const events = await readEvents(response);
    expect(events.filter((e) => e.event === 'delta').map((e) => e.data.content)).toEqual(
      tokensOf('Hello from phi3').slice(0, 2),
    );
    expect(events.at(-1)).toEqual({
      event: 'error',
      data: { error: { code: 'MODEL_STREAM_BROKEN', message: 'The model worker failed mid-answer' } },
    });
    const session = await fetch(`${harness.url}/api/sessions/${sessionId}`, { headers: owner.auth });
    expect(((await session.json()) as { messages: unknown[] }).messages).toEqual([]);
    // The one slot is free again: once the worker is healthy, the next request gets it.
    await harness.workers[0]!.setFault(null);
    await expect
      .poll(async () => (await ask(harness!, owner.auth, 'phi3')).status, { timeout: 3000 })
      .toBe(200);
  });

  it('resumes a stream cut mid-answer on another worker, so the client sees one whole answer', async () => {
    harness = await startGateway([
      { models: ['phi3'], loaded: ['phi3'], resetAfterTokens: 2 },
      { models: ['phi3'] },
    ]);
    const owner = await userWithGpt(harness);
    await harness.workers[0]!.setFault('reset');
    const response = await ask(harness, owner.auth, 'phi3', true);
    const text = await response.text();
    const pieces = text
      .split('\n\n')
      .filter((line) => line.startsWith('data: {'))
      .map(
        (line) =>
          (JSON.parse(line.slice(6)) as { choices: Array<{ delta: { content?: string } }> }).choices[0]!.delta
            .content ?? '',
      );
    expect(pieces.join('')).toBe('Hello from phi3');
    const resumed = harness.workers[1]!.requests.at(-1)!.body.messages!.at(-1);
    expect(resumed).toEqual({ role: 'assistant', content: tokensOf('Hello from phi3').slice(0, 2).join('') });
  });

  it('answers 503 with Retry-After when every slot and the queue are full, and leaves no request hanging', async () => {
    harness = await startGateway([{ models: ['phi3'], tokenDelayMs: 100 }], {
      WORKER_CONCURRENCY: '1',
      WORKER_QUEUE_LIMIT: '1',
    });
    const user = await caller(harness);
    const started = Date.now();
    const responses = await Promise.all([1, 2, 3, 4].map(() => ask(harness!, user.auth, 'phi3')));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 503, 503]);
    const busy = responses.find((response) => response.status === 503)!;
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('MODELS_BUSY');
    // Two answers of four 100 ms tokens one after the other: nothing waited for a timeout.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(harness.gateway.router.pool.queued).toBe(0);
    expect(harness.gateway.router.pool.workers[0]!.inFlight).toBe(0);
  });

  it('gives each worker at most its own #parallel=N generations at once, whatever WORKER_CONCURRENCY says', async () => {
    // Slow answers keep every generation running while the loads are read.
    harness = await startGateway(
      [
        { models: ['phi3'], tokenDelayMs: 150, parallel: 1 },
        { models: ['phi3'], tokenDelayMs: 150, parallel: 3 },
      ],
      { WORKER_CONCURRENCY: '8' },
    );
    const [small, large] = harness.gateway.router.pool.workers;
    expect([small!.concurrency, large!.concurrency]).toEqual([1, 3]);
    const user = await caller(harness);
    let peakSmall = 0;
    let peakLarge = 0;
    const sampler = setInterval(() => {
      peakSmall = Math.max(peakSmall, small!.inFlight);
      peakLarge = Math.max(peakLarge, large!.inFlight);
    }, 5);
    try {
      const responses = await Promise.all([1, 2, 3, 4, 5, 6].map(() => ask(harness!, user.auth, 'phi3')));
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200]);
    } finally {
      clearInterval(sampler);
    }
    // Six at once over caps of 1 and 3: the larger worker runs three together, the smaller never two.
    expect(peakSmall).toBe(1);
    expect(peakLarge).toBe(3);
    expect(harness.workers.map((worker) => worker.requests.length).reduce((a, b) => a + b)).toBe(6);
  });

  it('answers 400 for an unknown model', async () => {
    harness = await startGateway([{ models: ['phi3'] }]);
    const user = await caller(harness);
    const response = await ask(harness, user.auth, 'gpt-17-ultra');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_MODEL');
  });

  it("uses the model's fallback chain when the model fails", async () => {
    harness = await startGateway([
      {
        models: ['deepseek-coder', 'phi3'],
        reply: (request) =>
          request.model === 'deepseek-coder'
            ? { error: { status: 500, message: 'model requires more system memory than is available' } }
            : { tokens: tokensOf(`Hello from ${request.model}`) },
      },
    ]);
    const user = await caller(harness);
    const response = await ask(harness, user.auth, 'deepseek-coder');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]!.message.content).toBe('Hello from phi3');
    expect(harness.workers[0]!.requests.map((r) => r.body.model)).toEqual(['deepseek-coder', 'phi3']);
  });

  it('aborts the upstream generation when the client disconnects, freeing the slot', async () => {
    harness = await startGateway(
      [{ models: ['phi3'], tokenDelayMs: 200, reply: () => ({ tokens: tokensOf('word '.repeat(25)) }) }],
      {
        WORKER_CONCURRENCY: '1',
      },
    );
    const user = await caller(harness);
    const controller = new AbortController();
    const streaming = fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...user.auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'phi3',
        stream: true,
        messages: [{ role: 'user', content: 'long story' }],
      }),
      signal: controller.signal,
    });
    const reader = (await streaming).body!.getReader();
    await reader.read();
    await expect.poll(() => harness!.workers[0]!.active).toBe(1);
    controller.abort();
    // The answer would take 5 s more; the worker stops at once instead.
    await expect.poll(() => harness!.workers[0]!.active, { timeout: 1000 }).toBe(0);
    await expect.poll(() => harness!.gateway.router.pool.workers[0]!.inFlight, { timeout: 1000 }).toBe(0);
  });

  it("passes on the caller's own failure while taking a token: the worker stays up and nothing is retried", async () => {
    harness = await startGateway([{ models: ['phi3'] }, { models: ['phi3'] }]);
    const { router, models, pool } = harness.gateway;
    const callersOwn = new Error('the consumer failed');
    const generation = router.generate({
      model: models.resolve('phi3')!,
      messages: [{ role: 'user', content: 'hello' }],
      signal: new AbortController().signal,
      onToken: () => {
        throw callersOwn;
      },
    });
    await expect(generation).rejects.toBe(callersOwn);
    // Read as a broken stream, it would mark the worker down and resume the answer on the other one.
    const chats = harness.workers.map((worker) => worker.requests.length);
    expect(chats.reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(pool.serving('phi3').workers).toHaveLength(2);
  });
});
