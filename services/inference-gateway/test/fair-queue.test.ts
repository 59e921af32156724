import { type OllamaServerOptions, tokensOf } from '@chatty/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../../gpt-registry/test/harness.js';
import { type CoServices, type GatewayHarness, gatewayWith, startCoServices } from './harness.js';

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

const TOKENS = 20;
const TOKEN_DELAY_MS = 25;
/** One generation holds a worker slot this long: the unit a fair wait is measured in. */
const SLOT_MS = TOKENS * TOKEN_DELAY_MS;
const WORKER: OllamaServerOptions = {
  models: ['phi3'],
  tokenDelayMs: TOKEN_DELAY_MS,
  reply: () => ({ tokens: tokensOf('token '.repeat(TOKENS)) }),
};

interface Outcome {
  status: number;
  code?: string;
  /** From sending to the first piece of the answer (the headers go out with it). */
  firstTokenMs: number;
  totalMs: number;
  finishedAt: number;
  tokens: number;
}

/** One streamed /v1 completion, timed. */
async function timed(url: string, auth: Record<string, string>, content: string): Promise<Outcome> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'phi3', stream: true, messages: [{ role: 'user', content }] }),
  });
  if (response.status !== 200) {
    const body = (await response.json()) as { error: { code: string } };
    const now = performance.now();
    return {
      status: response.status,
      code: body.error.code,
      firstTokenMs: Number.NaN,
      totalMs: now - started,
      finishedAt: now,
      tokens: 0,
    };
  }
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let firstTokenMs = Number.NaN;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (Number.isNaN(firstTokenMs)) firstTokenMs = performance.now() - started;
    text += decoder.decode(value, { stream: true });
  }
  const now = performance.now();
  const tokens = (text.match(/"content":"\s*token"/g) ?? []).length;
  return { status: 200, firstTokenMs, totalMs: now - started, finishedAt: now, tokens };
}

const countBy = (outcomes: Outcome[]) =>
  outcomes.reduce<Record<string, number>>((counts, outcome) => {
    const key = outcome.code ? `${outcome.status} ${outcome.code}` : String(outcome.status);
    counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  }, {});

describe('the worker queue is fair across users', () => {
  it("serves another user's request within about one slot's wait while one user has 70 streams open", async () => {
    // The per-user limits are off (the harness's default): this is the pool's own fairness, on one replica.
    harness = await gatewayWith(co, [WORKER], { WORKER_CONCURRENCY: '4' });
    const pool = harness.gateway.router.pool;
    const [heavy, light] = [await signUp(co.registry.app), await signUp(co.registry.app)];

    const startedAt = performance.now();
    const burst = Promise.all(
      Array.from({ length: 70 }, (_, i) => timed(harness!.url, heavy.auth, `stream ${i}`)),
    );
    // 4 generating and 16 waiting (their share of WORKER_QUEUE_LIMIT=64) before the other user asks.
    await expect
      .poll(() => [pool.runningOf(heavy.user.id), pool.queuedOf(heavy.user.id)], {
        timeout: 5000,
        interval: 5,
      })
      .toEqual([4, 16]);
    const other = await timed(harness.url, light.auth, 'just one');
    const outcomes = await burst;
    const heavyEnd = Math.max(...outcomes.filter((o) => o.status === 200).map((o) => o.finishedAt));
    const served = outcomes.filter((o) => o.status === 200);
    const seconds = (heavyEnd - startedAt) / 1000;
    // One slot as this machine runs it now: the heavy user's fastest answer never waited for a slot.
    const slotMs = Math.min(...served.map((o) => o.totalMs));
    console.log(
      `fairness, 1 worker × 4 slots, ${TOKENS} tokens × ${TOKEN_DELAY_MS} ms (one slot: ${SLOT_MS} ms nominal, ` +
        `${slotMs.toFixed(0)} ms measured): ` +
        `the other user's first token after ${other.firstTokenMs.toFixed(0)} ms, whole answer ` +
        `${other.totalMs.toFixed(0)} ms; the 70-stream user: ${JSON.stringify(countBy(outcomes))}, ` +
        `${served.length} answers in ${seconds.toFixed(2)} s = ${(served.length / seconds).toFixed(1)} answers/s, ` +
        `${(served.reduce((sum, o) => sum + o.tokens, 0) / seconds).toFixed(0)} tokens/s ` +
        `(4 slots at most ${((4 * 1000) / TOKEN_DELAY_MS).toFixed(0)}/s)`,
    );

    expect(other.status).toBe(200);
    expect(other.tokens).toBe(TOKENS);
    // A FIFO queue would put it behind 16 waiting answers: 4 rounds of a slot and more.
    expect(other.firstTokenMs).toBeLessThan(2 * Math.max(slotMs, SLOT_MS));
    // The heavy user is refused only their own excess: past their share of the queue (16 of 64), so
    // 20 are served when all 70 arrive within a slot. On a busy machine the last ones may arrive after
    // the first answers ended and take the slots those freed: a few more, never a queue past 16.
    expect(served.length).toBeGreaterThanOrEqual(20);
    expect(served.length).toBeLessThanOrEqual(28);
    expect(countBy(outcomes)).toEqual({ '200': served.length, '503 MODELS_BUSY': 70 - served.length });
    expect(served.every((o) => o.tokens === TOKENS)).toBe(true);
    expect(pool.queued).toBe(0);
    expect(pool.workers[0]!.inFlight).toBe(0);
  });

  it('makes room in a full queue for a user with less waiting, at the expense of the user with most', async () => {
    harness = await gatewayWith(co, [WORKER], { WORKER_CONCURRENCY: '1', WORKER_QUEUE_LIMIT: '4' });
    const pool = harness.gateway.router.pool;
    const [heavy, light] = [await signUp(co.registry.app), await signUp(co.registry.app)];
    const burst = Promise.all(
      Array.from({ length: 6 }, (_, i) => timed(harness!.url, heavy.auth, `heavy ${i}`)),
    );
    await expect
      .poll(() => [pool.runningOf(heavy.user.id), pool.queuedOf(heavy.user.id)], {
        timeout: 5000,
        interval: 5,
      })
      .toEqual([1, 4]);
    const other = await timed(harness.url, light.auth, 'light');
    const outcomes = await burst;

    expect(other.status).toBe(200);
    // Second on the worker, right after the answer that was running when it came.
    const order = harness.workers[0]!.requests.map((request) => request.body.messages!.at(-1)!.content);
    expect(order.indexOf('light')).toBe(1);
    // One refused on arrival (queue full, nobody with more waiting), one pushed out for the newcomer.
    expect(countBy(outcomes)).toEqual({ '200': 4, '503 MODELS_BUSY': 2 });
  });
});
