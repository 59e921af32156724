import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { until } from './waiting.js';

/** The gateway's own metrics, as a scraper reads them from `/metrics`. */
let co: CoServices;
let harness: GatewayHarness;
beforeAll(async () => {
  co = await startCoServices();
  // One slot on a slow worker, so a second generation waits in the queue while the first runs.
  harness = await gatewayWith(co, [
    { models: ['phi3'], tokenDelayMs: 100, parallel: 1 },
    { models: ['mistral'], parallel: 2 },
  ]);
});
afterAll(async () => {
  await harness.close();
  await co.close();
});

/** `name{labels} value` lines of one metric, with labels as an object. */
async function scrape(name: string): Promise<Array<{ labels: Record<string, string>; value: number }>> {
  const response = await fetch(`${harness.url}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const [, labelText = '', value] = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      return { labels, value: Number(value) };
    });
}

async function metricOf(name: string, worker?: string): Promise<number | undefined> {
  const samples = await scrape(name);
  return samples.find((sample) => worker === undefined || sample.labels.worker === worker)?.value;
}

describe('model workers', () => {
  it('names each worker with its provider, health and cap', async () => {
    const [slow, other] = harness.workers.map((worker) => worker.url);
    // Down until its first health check has passed.
    await until(async () => (await metricOf('chatty_worker_up', other)) === 1, 'the first health checks');
    const up = await scrape('chatty_worker_up');
    expect(up).toEqual(
      expect.arrayContaining([
        { labels: { worker: slow, provider: 'ollama', service: 'inference-gateway' }, value: 1 },
        { labels: { worker: other, provider: 'ollama', service: 'inference-gateway' }, value: 1 },
      ]),
    );
    expect(await metricOf('chatty_worker_slots', slow)).toBe(1);
    expect(await metricOf('chatty_worker_slots', other)).toBe(2);
  });

  it('counts the generations running on a worker and those waiting for its slot, then neither', async () => {
    const slow = harness.workers[0]!.url;
    const user = await userWithGpt(harness);
    const ask = () =>
      post(`${harness.url}/v1/chat/completions`, user.auth, {
        model: 'phi3',
        messages: [{ role: 'user', content: 'hello' }],
      });
    const answers = Promise.all([ask(), ask()]);
    await until(
      async () =>
        (await metricOf('chatty_worker_generations', slow)) === 1 &&
        (await metricOf('chatty_generations_queued')) === 1,
      'one generation running and one queued',
    );
    expect((await answers).map((answer) => answer.status)).toEqual([200, 200]);
    expect(await metricOf('chatty_worker_generations', slow)).toBe(0);
    expect(await metricOf('chatty_generations_queued')).toBe(0);
  });

  it('a worker that stops answering shows as down, and up again when it is back', async () => {
    const [, other] = harness.workers;
    await other!.setFault('refuse');
    try {
      await until(async () => (await metricOf('chatty_worker_up', other!.url)) === 0, 'the worker down');
    } finally {
      await other!.setFault(null);
    }
    await until(async () => (await metricOf('chatty_worker_up', other!.url)) === 1, 'the worker back');
  });
});

describe('held sessions', () => {
  it('counts the sessions held for guessed turns and their history', async () => {
    const heldBefore = (await metricOf('chatty_held_sessions')) ?? 0;
    const charsBefore = (await metricOf('chatty_held_session_chars')) ?? 0;
    const user = await userWithGpt(harness);
    const sessionId = await newSession(harness, user);
    const answer = await post(
      `${harness.url}/api/sessions/${sessionId}/messages`,
      user.auth,
      { content: 'Hello there' },
      'text/event-stream',
    );
    const events = await readEvents(answer);
    expect(events.at(-1)?.event).toBe('done');
    expect(await metricOf('chatty_held_sessions')).toBe(heldBefore + 1);
    // The question and the answer ("Hello from phi3").
    expect(await metricOf('chatty_held_session_chars')).toBe(charsBefore + 'Hello there'.length + 15);
  });
});
