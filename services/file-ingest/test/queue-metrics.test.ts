import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestJobsMetric } from '../src/queue-metrics.js';
import { createGpt, type Stack, signUp, startStack, upload } from './harness.js';

/*
 * chatty_ingest_jobs: the depth of the shared queue on /metrics, what the production overlay's
 * autoscaler scales file-ingest on (infra/k8s/overlays/production).
 */

const sample = (text: string, state: string) =>
  Number(new RegExp(`^chatty_ingest_jobs\\{[^}]*state="${state}"[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1]);

describe('chatty_ingest_jobs', () => {
  let stack: Stack;

  beforeAll(async () => {
    // No consumer: uploads stay waiting, as they do while every worker is busy.
    stack = await startStack({ worker: false });
  });
  afterAll(() => stack.close());

  it('counts the files waiting in the queue, on a replica that runs no worker too', async () => {
    const metrics = async () => (await stack.ingest.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(await metrics(), 'waiting')).toBe(0);
    const owner = await signUp(stack.registry.app);
    const gptId = (await createGpt(stack.registry.app, owner.auth)).id;
    for (const name of ['a.txt', 'b.txt', 'c.txt']) {
      expect((await upload(stack, owner.auth, gptId, name, Buffer.from(`File ${name}.`))).statusCode).toBe(
        202,
      );
    }
    const text = await metrics();
    expect(sample(text, 'waiting')).toBe(3);
    expect(sample(text, 'active')).toBe(0);
    expect(text).toContain('service="file-ingest"');
  });

  it('leaves the metric out, and the scrape whole, while Redis does not answer', async () => {
    const registry = new Registry();
    registry.registerMetric(ingestJobsMetric({ getJobCounts: () => new Promise(() => {}) }, 50));
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(text).toContain('# TYPE chatty_ingest_jobs gauge');
    expect(text).not.toMatch(/^chatty_ingest_jobs\{/m);
  });
});
