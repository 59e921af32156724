import type { SearchResult } from '@chatty/contracts';
import {
  buildIngest,
  type IngestApp,
  type IngestDatabase,
  loadIngestConfig,
  startWorker,
} from '@chatty/file-ingest';
import { createDb, serviceToken } from '@chatty/shared';
import { type OllamaTestServer, startOllamaServer } from '@chatty/testkit';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET } from '../../gpt-registry/test/harness.js';
import {
  createGpt,
  type Stack,
  search,
  signUp,
  startStack,
  upload,
  vectorCounts,
  waitUntilDone,
} from './harness.js';

/** One topic per chunk (each paragraph is about a chunk long): which chunk a search finds is plain. */
const TOPICS = {
  laptop: 'Employees get a reimbursement for a laptop they buy for work.',
  weather: 'The forecast for the mountains says heavy rain and strong wind.',
  kitten: 'A kitten sleeps for most of the day and plays at night.',
  court: 'The tribunal heard the attorney argue about the lease agreement.',
  flight: 'The aircraft to Lisbon was delayed by three hours at the gate.',
};
const knowledge = () =>
  Object.values(TOPICS)
    .map((sentence) => Array.from({ length: 45 }, () => sentence).join(' '))
    .join('\n\n');
/** Shares no word with the laptop paragraph, only its meaning. */
const QUESTION = 'Will staff get a refund when they purchase a notebook computer?';
const MODEL = 'nomic-embed-text';

async function searchOn(
  app: IngestApp,
  body: { gptId: string; query: string; k?: number; budgetTokens: number },
) {
  const response = await app.inject({
    method: 'POST',
    url: '/internal/search',
    headers: { 'x-service-token': serviceToken(TEST_SECRET, 'file-ingest') },
    payload: body,
  });
  expect(response.statusCode).toBe(200);
  return response.json() as SearchResult;
}

describe.each(['auto', 'off'] as const)(
  'retrieval by meaning and words (EMBEDDING_PGVECTOR=%s)',
  (pgvector) => {
    let ollama: OllamaTestServer;
    let stack: Stack;
    let db: Kysely<IngestDatabase>;
    let owner: Awaited<ReturnType<typeof signUp>>;
    let gptId: string;
    let fileId: string;
    let pgvectorAvailable: boolean;

    beforeAll(async () => {
      ollama = await startOllamaServer({ models: [MODEL], embedDelayMs: 150 });
      stack = await startStack({
        env: {
          EMBEDDING_MODEL: MODEL,
          OLLAMA_URLS: ollama.url,
          EMBEDDING_BATCH_SIZE: '2',
          EMBEDDING_PGVECTOR: pgvector,
        },
      });
      db = createDb<IngestDatabase>(stack.registry.database.url, { max: 2 });
      pgvectorAvailable = (
        await sql<{
          ok: boolean;
        }>`select exists (select 1 from pg_available_extensions where name = 'vector') as ok`.execute(db)
      ).rows[0]!.ok;
      // The same text in someone else's GPT: its vectors are as near as ours, and never ours to see.
      const stranger = await signUp(stack.registry.app);
      const otherGpt = (await createGpt(stack.registry.app, stranger.auth)).id;
      const other = (
        await upload(stack, stranger.auth, otherGpt, 'copy.txt', Buffer.from(knowledge()))
      ).json().id;
      await waitUntilDone(stack, stranger.auth, other);
      owner = await signUp(stack.registry.app);
      gptId = (await createGpt(stack.registry.app, owner.auth)).id;
      fileId = (await upload(stack, owner.auth, gptId, 'handbook.txt', Buffer.from(knowledge()))).json().id;
    });
    afterAll(async () => {
      await db?.destroy();
      await stack?.close();
      await ollama?.close();
    });

    it('embeds the chunks in batches while the file shows its progress, then marks it ready', async () => {
      const seen: Array<{ status: string; progress: number }> = [];
      for (;;) {
        const file = await stack.registry.app.inject({
          url: `/api/gpts/files/${fileId}`,
          headers: owner.auth,
        });
        const { status, progress } = file.json();
        seen.push({ status, progress });
        if (status === 'ready' || status === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(seen.at(-1)).toEqual({ status: 'ready', progress: 1 });
      expect(seen.some((s) => s.status === 'processing' && s.progress >= 0.88 && s.progress < 1)).toBe(true);
      const { chunks, vectors } = await vectorCounts(db, fileId, MODEL);
      expect(chunks).toBeGreaterThanOrEqual(5);
      expect(vectors).toBe(chunks);
      expect(ollama.embedRequests.every((request) => request.inputs <= 2)).toBe(true);
    });

    it('keeps vectors in pgvector where the server has it, in bytea otherwise', async () => {
      const { rows } = await sql<{ vec: boolean; extension: boolean; bytea: number }>`
      select exists (select 1 from information_schema.columns
                     where table_name = 'chunk_embedding' and column_name = 'vec') as vec,
             exists (select 1 from pg_extension where extname = 'vector') as extension,
             (select count(*) from chunk_embedding where embedding is not null)::int as bytea`.execute(db);
      const usesPgvector = pgvector === 'auto' && pgvectorAvailable;
      expect(rows[0]!.vec).toBe(usesPgvector);
      // `off`: the database never gets the extension, as on a server without it.
      if (pgvector === 'off') expect(rows[0]!.extension).toBe(false);
      expect(rows[0]!.bytea > 0).toBe(!usesPgvector);
      // With pgvector, the model's HNSW index is built in the background after the first vectors.
      const validIndexes = async () =>
        (
          await sql<{ n: number }>`
            select count(*)::int as n from pg_index i join pg_class c on c.oid = i.indexrelid
            where c.relname like 'chunk_embedding_hnsw_%' and i.indisvalid`.execute(db)
        ).rows[0]!.n;
      const deadline = Date.now() + 10_000;
      while (usesPgvector && (await validIndexes()) === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await validIndexes()).toBe(usesPgvector ? 1 : 0);
    });

    it('finds by meaning what the words miss, fused with the word ranking, from the GPT own chunks only', async () => {
      const keywordsOnly = await buildIngest(
        loadIngestConfig({ ...stack.ingestEnv, EMBEDDING_MODEL: undefined, INGEST_WORKER: 'false' }),
      );
      try {
        const byWords = await searchOn(keywordsOnly, { gptId, query: QUESTION, k: 3, budgetTokens: 900 });
        expect(byWords).toEqual({ mode: 'ranked', chunks: [] });
        const fused = await search(stack, { gptId, query: QUESTION, k: 3, budgetTokens: 900 });
        expect(fused.mode).toBe('ranked');
        expect(fused.chunks).toHaveLength(1);
        expect(fused.chunks[0]!.text).toContain('reimbursement for a laptop');
        expect(fused.chunks[0]!.fileId).toBe(fileId);
        expect(Object.keys(fused.chunks[0]!).sort()).toEqual([
          'fileId',
          'fileName',
          'language',
          'page',
          'score',
          'text',
          'tokens',
        ]);

        // A question both lists answer: the chunk first in both is first, with both lists' share of score.
        const both = await search(stack, { gptId, query: 'kitten', k: 5, budgetTokens: 2000 });
        expect(both.chunks[0]!.text).toContain('A kitten sleeps');
        expect(both.chunks[0]!.score).toBeCloseTo(2 / 61, 6);
        expect(both.chunks.every((chunk) => chunk.fileId === fileId)).toBe(true);
      } finally {
        await keywordsOnly.close();
      }
    });

    it('finds a file added after earlier questions, and forgets a deleted one with its vectors', async () => {
      const question = 'When can I see a medic?';
      expect(
        (await search(stack, { gptId, query: question, k: 1, budgetTokens: 900 })).chunks[0]!.text,
      ).not.toContain('physician');
      const clinic = Array.from(
        { length: 45 },
        () => 'The physician on duty treats patients until noon.',
      ).join(' ');
      const added = (await upload(stack, owner.auth, gptId, 'clinic.txt', Buffer.from(clinic))).json().id;
      await waitUntilDone(stack, owner.auth, added);
      const found = await search(stack, { gptId, query: question, k: 1, budgetTokens: 900 });
      expect(found.chunks[0]!.fileId).toBe(added);

      const deleted = await stack.registry.app.inject({
        method: 'DELETE',
        url: `/api/gpts/files/${added}`,
        headers: owner.auth,
      });
      expect(deleted.statusCode).toBeLessThan(300);
      const after = await search(stack, { gptId, query: question, k: 3, budgetTokens: 2000 });
      expect(after.chunks.map((chunk) => chunk.fileId)).not.toContain(added);
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from chunk_embedding e
        where not exists (select 1 from file_chunk c where c.id = e.chunk_id)`.execute(db);
      expect(rows[0]!.n).toBe(0);
    });

    it('finds nothing of a file turned off, by meaning, by words or whole, and all of it once on again', async () => {
      // Its words are the file's: found by words and by meaning alike while the file is on.
      const question = 'Are bikes kept in the shed?';
      const parking = Array.from({ length: 45 }, () => 'Bikes are kept in the shed behind building C.').join(
        ' ',
      );
      const added = (await upload(stack, owner.auth, gptId, 'parking.txt', Buffer.from(parking))).json().id;
      await waitUntilDone(stack, owner.auth, added);
      const toggle = (isActive: boolean) =>
        stack.registry.app.inject({
          method: 'PATCH',
          url: `/api/gpts/files/${added}`,
          headers: owner.auth,
          payload: { isActive },
        });
      const files = async (query: string, budgetTokens = 2000) =>
        (await search(stack, { gptId, query, k: 5, budgetTokens })).chunks.map((chunk) => chunk.fileId);
      expect(await files(question)).toContain(added);

      expect((await toggle(false)).statusCode).toBe(200);
      expect(await files(question)).not.toContain(added);
      const whole = await search(stack, { gptId, query: question, k: 5, budgetTokens: 1_000_000 });
      expect(whole.mode).toBe('full');
      expect(whole.chunks.length).toBeGreaterThan(0);
      expect(whole.chunks.map((chunk) => chunk.fileId)).not.toContain(added);

      expect((await toggle(true)).statusCode).toBe(200);
      expect(await files(question)).toContain(added);
      await stack.registry.app.inject({
        method: 'DELETE',
        url: `/api/gpts/files/${added}`,
        headers: owner.auth,
      });
    });

    it('answers by words when no worker can embed the question', async () => {
      await ollama.setFault('busy');
      try {
        const result = await search(stack, { gptId, query: 'kitten', k: 2, budgetTokens: 900 });
        expect(result.chunks[0]!.text).toContain('A kitten sleeps');
        expect(await search(stack, { gptId, query: QUESTION, k: 2, budgetTokens: 900 })).toEqual({
          mode: 'ranked',
          chunks: [],
        });
      } finally {
        await ollama.setFault(null);
      }
    });
  },
);

describe('embedding that is cut short, and a change of model', () => {
  let ollama: OllamaTestServer;
  let stack: Stack;
  let db: Kysely<IngestDatabase>;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let gptId: string;

  beforeAll(async () => {
    ollama = await startOllamaServer({ models: [MODEL], embedDelayMs: 30 });
    stack = await startStack({
      env: { EMBEDDING_MODEL: MODEL, OLLAMA_URLS: ollama.url, EMBEDDING_BATCH_SIZE: '1' },
    });
    db = createDb<IngestDatabase>(stack.registry.database.url, { max: 2 });
    owner = await signUp(stack.registry.app);
    gptId = (await createGpt(stack.registry.app, owner.auth)).id;
  });
  afterAll(async () => {
    await db?.destroy();
    await stack?.close();
    await ollama?.close();
  });

  const vectorsOf = async (fileId: string, model: string) =>
    (
      await sql<{ n: number }>`
        select count(*)::int as n from chunk_embedding e join file_chunk c on c.id = e.chunk_id
        where c.file_id = ${fileId} and e.model = ${model}`.execute(db)
    ).rows[0]!.n;

  it('makes the file ready when the workers fail mid-way, and embeds only the rest later', async () => {
    const fileId = (await upload(stack, owner.auth, gptId, 'handbook.txt', Buffer.from(knowledge()))).json()
      .id;
    while (ollama.embedRequests.length < 2) await new Promise((resolve) => setTimeout(resolve, 2));
    await ollama.setFault('busy');
    const file = await waitUntilDone(stack, owner.auth, fileId);
    expect(file.status).toBe('ready');
    const chunks = file.chunkCount!;
    const before = await vectorsOf(fileId, MODEL);
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before).toBeLessThan(chunks);
    // Its words answer meanwhile.
    expect((await search(stack, { gptId, query: 'kitten', k: 1, budgetTokens: 900 })).chunks).toHaveLength(1);

    await ollama.setFault(null);
    const sent = ollama.embedRequests.length;
    await stack.ingest.ingestWorker!.backfillNow();
    expect(await vectorsOf(fileId, MODEL)).toBe(chunks);
    const embeddedNow = ollama.embedRequests.slice(sent).reduce((sum, request) => sum + request.inputs, 0);
    expect(embeddedNow).toBe(chunks - before);
  });

  it('re-embeds in the background after a change of model while the old vectors keep answering', async () => {
    const fileId = (
      await db.selectFrom('gpt_file').select('id').where('gpt_id', '=', gptId).executeTakeFirstOrThrow()
    ).id as string;
    await stack.ingest.close();
    // The new model is not on the workers yet: nothing can be re-embedded.
    const changedConfig = loadIngestConfig({
      ...stack.ingestEnv,
      EMBEDDING_MODEL: 'mxbai-embed-large',
      INGEST_WORKER: 'true',
    });
    const changed = await buildIngest(changedConfig);
    await startWorker(changed, changedConfig);
    stack.ingest = changed;
    await changed.ingestWorker!.backfillNow();
    expect(await vectorsOf(fileId, 'mxbai-embed-large')).toBe(0);
    const asked = ollama.embedRequests.length;
    const meanwhile = await searchOn(changed, { gptId, query: QUESTION, k: 1, budgetTokens: 900 });
    expect(meanwhile.chunks[0]!.text).toContain('reimbursement for a laptop');
    expect(ollama.embedRequests.slice(asked)).toEqual([{ model: MODEL, inputs: 1 }]);

    await fetch(`${ollama.url}/api/pull`, {
      method: 'POST',
      body: JSON.stringify({ model: 'mxbai-embed-large', stream: false }),
    });
    await changed.ingestWorker!.backfillNow();
    const chunks = (
      await db
        .selectFrom('file_chunk')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('file_id', '=', fileId)
        .executeTakeFirstOrThrow()
    ).n;
    expect(await vectorsOf(fileId, 'mxbai-embed-large')).toBe(chunks);
    expect(await vectorsOf(fileId, MODEL)).toBe(0);
    const after = ollama.embedRequests.length;
    const answered = await searchOn(changed, { gptId, query: QUESTION, k: 1, budgetTokens: 900 });
    expect(answered.chunks[0]!.text).toContain('reimbursement for a laptop');
    expect(ollama.embedRequests.slice(after)).toEqual([{ model: 'mxbai-embed-large', inputs: 1 }]);
  });
});
