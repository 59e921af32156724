import { type IngestDatabase, loadIngestConfig } from '@chatty/file-ingest';
import { createDb } from '@chatty/shared';
import { type OpenAiTestServer, startOpenAiServer } from '@chatty/testkit';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddingUnavailable } from '../src/embed/embedding-client.js';
import { openAiEmbeddingClient } from '../src/embed/openai-embedding-client.js';
import { gptWithFile, type Stack, search, startStack, vectorCounts } from './harness.js';

/** Embeddings from an OpenAI-compatible API (EMBEDDING_URL) instead of the Ollama workers. */
const MODEL = 'text-embedding-3-small';
const KEY = 'sk-test-embeddings-0123456789abcdefghij';
const LAPTOP = 'Employees get a reimbursement for a laptop they buy for work.';
const KITTEN = 'A kitten sleeps for most of the day and plays at night.';
const knowledge = () =>
  [LAPTOP, KITTEN].map((sentence) => Array.from({ length: 45 }, () => sentence).join(' ')).join('\n\n');
/** Shares no word with the laptop paragraph, only its meaning. */
const QUESTION = 'Will staff get a refund when they purchase a notebook computer?';

let api: OpenAiTestServer;
beforeAll(async () => {
  api = await startOpenAiServer({ models: [MODEL], apiKey: KEY });
});
afterAll(() => api.close());

describe('with EMBEDDING_URL', () => {
  let stack: Stack;
  let db: Kysely<IngestDatabase>;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        EMBEDDING_MODEL: MODEL,
        EMBEDDING_URL: api.baseUrl,
        EMBEDDING_API_KEY: KEY,
        EMBEDDING_BATCH_SIZE: '2',
      },
    });
    db = createDb<IngestDatabase>(stack.registry.database.url, { max: 2 });
  });
  afterAll(async () => {
    await db?.destroy();
    await stack?.close();
  });

  it('embeds every chunk there, in batches, and finds by meaning what the words miss', async () => {
    const { gptId, fileId } = await gptWithFile(stack, 'handbook.txt', knowledge());
    const { chunks, vectors } = await vectorCounts(db, fileId, MODEL);
    expect(chunks).toBeGreaterThanOrEqual(2);
    expect(vectors).toBe(chunks);
    expect(api.embedRequests.length).toBeGreaterThan(0);
    expect(api.embedRequests.every((request) => request.model === MODEL && request.inputs <= 2)).toBe(true);

    const found = await search(stack, { gptId, query: QUESTION, k: 1, budgetTokens: 900 });
    expect(found.chunks[0]!.text).toContain('reimbursement for a laptop');
  });

  it('answers by words while the API refuses, and by meaning again after', async () => {
    const { gptId } = await gptWithFile(stack, 'handbook.txt', knowledge());
    await api.setFault('busy');
    try {
      const byWords = await search(stack, { gptId, query: 'kitten', k: 1, budgetTokens: 900 });
      expect(byWords.chunks[0]!.text).toContain('A kitten sleeps');
      expect((await search(stack, { gptId, query: QUESTION, k: 1, budgetTokens: 900 })).chunks).toEqual([]);
    } finally {
      await api.setFault(null);
    }
    const again = await search(stack, { gptId, query: QUESTION, k: 1, budgetTokens: 900 });
    expect(again.chunks[0]!.text).toContain('reimbursement for a laptop');
  });
});

describe('the client', () => {
  it('answers one unit vector per text, in input order', async () => {
    const client = openAiEmbeddingClient({ url: api.baseUrl, apiKey: KEY, model: MODEL, timeoutMs: 5000 });
    const [laptop, kitten, again] = await client.embed([LAPTOP, KITTEN, LAPTOP]);
    const dot = (a: Float32Array, b: Float32Array) =>
      a.reduce((sum, value, index) => sum + value * b[index]!, 0);
    expect(dot(laptop!, laptop!)).toBeCloseTo(1, 5);
    expect(dot(laptop!, again!)).toBeCloseTo(1, 5);
    expect(dot(laptop!, kitten!)).toBeLessThan(0.5);
  });

  it('a refused key fails with the status and the API, never the key it quoted back', async () => {
    const wrong = 'sk-wrong-embeddings-key-9876543210zyxwvu';
    const client = openAiEmbeddingClient({ url: api.baseUrl, apiKey: wrong, model: MODEL, timeoutMs: 5000 });
    const failure = await client.embed(['hello']).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(EmbeddingUnavailable);
    expect((failure as Error).message).toMatch(/HTTP 401/);
    expect((failure as Error).message).toContain(api.baseUrl);
    expect((failure as Error).message).not.toContain(wrong.slice(0, 8));
    expect((failure as Error).message).not.toContain(wrong.slice(-8));
  });
});

describe('the settings', () => {
  it('refuse EMBEDDING_URL without a model, or with credentials in it', () => {
    const base = { DATABASE_URL: 'postgres://localhost/x', SECRET_KEY: 'k'.repeat(40) };
    expect(() => loadIngestConfig({ ...base, EMBEDDING_URL: api.baseUrl })).toThrow(
      /without EMBEDDING_MODEL/,
    );
    expect(() =>
      loadIngestConfig({
        ...base,
        EMBEDDING_MODEL: MODEL,
        EMBEDDING_URL: 'https://user:secret@api.example.com/v1',
      }),
    ).toThrow(/holds credentials/);
  });
});
