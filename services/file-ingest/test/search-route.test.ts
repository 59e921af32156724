import { serviceToken } from '@chatty/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET } from '../../gpt-registry/test/harness.js';
import { createGpt, type Stack, search, signUp, startStack, upload, waitUntilDone } from './harness.js';

describe('POST /internal/search', () => {
  let stack: Stack;
  let gptId: string;
  let otherGpt: string;

  beforeAll(async () => {
    stack = await startStack();
    const owner = await signUp(stack.registry.app);
    gptId = (await createGpt(stack.registry.app, owner.auth)).id;
    otherGpt = (await createGpt(stack.registry.app, owner.auth)).id;
    const paragraphs = Array.from({ length: 300 }, (_, i) =>
      i === 170
        ? 'The axolotl regrows its limbs. Axolotl facts matter.'
        : `Paragraph ${i} is about ordinary weather.`,
    );
    const file = await upload(stack, owner.auth, gptId, 'facts.txt', Buffer.from(paragraphs.join('\n\n')));
    await upload(stack, owner.auth, otherGpt, 'elsewhere.txt', Buffer.from('Another axolotl lives here.'));
    await waitUntilDone(stack, owner.auth, file.json().id);
  });
  afterAll(() => stack?.close());

  it('answers 404 without the service token, as if the route did not exist', async () => {
    for (const headers of [
      {},
      { 'x-service-token': serviceToken('another-secret-that-is-long-enough-000', 'file-ingest') },
    ]) {
      const response = await stack.ingest.inject({
        method: 'POST',
        url: '/internal/search',
        headers,
        payload: { gptId, query: 'axolotl', budgetTokens: 100 },
      });
      expect(response.statusCode).toBe(404);
    }
  });

  it('answers 400 for a bad body', async () => {
    const response = await stack.ingest.inject({
      method: 'POST',
      url: '/internal/search',
      headers: { 'x-service-token': serviceToken(TEST_SECRET, 'file-ingest') },
      payload: { gptId: 'nope', query: 'x' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBeTruthy();
  });

  it("ranks the GPT's own chunks only, best first, within k and the budget", async () => {
    const result = await search(stack, { gptId, query: 'axolotl limbs', k: 5, budgetTokens: 900 });
    expect(result.mode).toBe('ranked');
    expect(result.chunks.length).toBeGreaterThan(0);
    expect(result.chunks[0]!.text).toContain('axolotl regrows');
    expect(result.chunks.every((chunk) => chunk.fileName === 'facts.txt')).toBe(true);
    expect(result.chunks.reduce((sum, chunk) => sum + chunk.tokens, 0)).toBeLessThanOrEqual(900);
    // Every chunk of the file is about 800 tokens: one fits the budget.
    expect(result.chunks).toHaveLength(1);
    const wide = await search(stack, { gptId, query: 'axolotl OR weather', k: 3, budgetTokens: 2500 });
    const scores = wide.chunks.map((chunk) => chunk.score);
    expect(wide.mode).toBe('ranked');
    expect(scores.length).toBe(3);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('answers an empty ranked list for a query that matches nothing, and full mode for a GPT without files', async () => {
    expect(await search(stack, { gptId, query: 'zeppelin', budgetTokens: 10 })).toEqual({
      mode: 'ranked',
      chunks: [],
    });
    const empty = await createGpt(stack.registry.app, (await signUp(stack.registry.app)).auth);
    expect(await search(stack, { gptId: empty.id, query: 'x', budgetTokens: 10 })).toEqual({
      mode: 'full',
      chunks: [],
    });
  });
});
