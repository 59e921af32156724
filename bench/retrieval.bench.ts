import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createDb, migrateToLatest } from '@chatty/shared';
import { type Kysely, sql } from 'kysely';
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  startOllamaServer,
  startTestS3,
  type TestS3,
} from '../packages/testkit/src/index.js';
import {
  type Embedder,
  type EmbeddingClient,
  ExtractionSandbox,
  embedFileChunks,
  extractLimitsOf,
  INGEST_MIGRATION_TABLE,
  ingestFile,
  ingestMigrations,
  loadIngestConfig,
  type MeaningSearch,
  ollamaEmbeddingClient,
  prepareVectorStore,
  searchKnowledge,
  unitVector,
  type VectorStore,
} from '../services/file-ingest/src/index.js';
import { REGISTRY_MIGRATION_TABLE, registryMigrations } from '../services/gpt-registry/src/index.js';
import { prose, random } from './ingest-corpus.js';
import { growChunks, percentile } from './ingest-search.js';
import { DOCUMENTS, QUESTIONS } from './retrieval-questions.js';

const MODEL = 'nomic-embed-text';
/** nomic-embed-text's size, for the latency at scale (the test embedding has 256). */
const DIMENSIONS = 768;
const DISTRACTORS = 500;
const SCALE = Number(process.env.BENCH_VECTOR_CHUNKS ?? 100_000);
const fmt = (value: number, digits = 1) => value.toFixed(digits);
// biome-ignore lint/suspicious/noExplicitAny: the bench writes rows of both services' tables
type AnyDb = Kysely<any>;

/**
 * Retrieval by meaning and words against words only, in one run: recall@5 on a question set with known
 * answers, the ingestion time embedding adds per MB, and the latency of a search at 100k chunks with
 * pgvector (where the server has it) and with the bytea fallback.
 */
export async function run(): Promise<void> {
  const database = `chatty_bench_retrieval_${Date.now()}`;
  let s3: TestS3 | undefined;
  const ollama = await startOllamaServer({ models: [MODEL] });
  await createDatabase(database);
  const db = createDb<AnyDb extends Kysely<infer T> ? T : never>(databaseUrl(database), { max: 4 }) as AnyDb;
  try {
    await migrateToLatest(db, registryMigrations, { table: REGISTRY_MIGRATION_TABLE });
    await migrateToLatest(db, ingestMigrations, { table: INGEST_MIGRATION_TABLE });
    s3 = await startTestS3();
    const user = await db
      .insertInto('app_user')
      .values({ email: 'bench@example.com', password_hash: '-', role: 'admin' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const newGpt = async (name: string) =>
      (
        await db
          .insertInto('gpt')
          .values({ user_id: user.id, name, model_id: 'deepseek-coder' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id as string;
    const log = silentLog();
    const client = ollamaEmbeddingClient({ urls: [ollama.url], model: MODEL, timeoutMs: 60_000 });
    const exact = await prepareVectorStore(db, { pgvector: 'off', scanLimit: 20_000, log });
    const best = await prepareVectorStore(db, { pgvector: 'auto', scanLimit: 20_000, log });
    console.log(`vector store: ${best.kind} (the fallback, exact-scan, is measured beside it)`);

    await benchRecall(db, await newGpt('Recall'), { client, store: best, batchSize: 32 });
    await benchIngestion(db, s3, user.id, await newGpt('Ingestion'), client, [best, exact]);
    await benchLatency(db, newGpt, best, exact);
  } finally {
    await db.destroy();
    await s3?.close();
    await ollama.close();
    await dropDatabase(database).catch((error) => console.error(error));
  }
}

async function addFile(db: AnyDb, gptId: string, name: string, fields: Record<string, unknown> = {}) {
  const id = randomUUID();
  await db
    .insertInto('gpt_file')
    .values({
      id,
      gpt_id: gptId,
      filename: name,
      original_name: name,
      mime_type: 'text/plain',
      size: 1,
      storage_key: `bench/${id}/original`,
      sha256: '-',
      status: 'ready',
      progress: 1,
      is_active: true,
      ...fields,
    })
    .execute();
  return id;
}

/** Every document a file of one chunk, among distractor chunks of random prose; then embedded. */
async function benchRecall(db: AnyDb, gptId: string, embedder: Embedder) {
  const chunkOf = new Map<string, string>();
  for (const [name, text] of Object.entries(DOCUMENTS)) {
    const fileId = await addFile(db, gptId, `${name}.txt`);
    chunkOf.set(name, fileId);
    await insertChunks(db, fileId, gptId, [text]);
  }
  const next = random(5);
  const filler = await addFile(db, gptId, 'filler.txt');
  await insertChunks(
    db,
    filler,
    gptId,
    Array.from({ length: DISTRACTORS }, () => prose(next, 400)),
  );
  const files = await db
    .selectFrom('gpt_file')
    .select(['id', 'gpt_id as gptId'])
    .where('gpt_id', '=', gptId)
    .execute();
  for (const file of files) await embedFileChunks(db, embedder, file);

  const meaning: MeaningSearch = {
    client: embedder.client,
    store: embedder.store,
    log: silentLog(),
    queryTimeoutMs: 10_000,
  };
  const recall = async (withMeaning: boolean, wording?: 'same' | 'other') => {
    const asked = QUESTIONS.filter((q) => !wording || q.wording === wording);
    let found = 0;
    for (const q of asked) {
      const body = { gptId, query: q.question, k: 5, budgetTokens: 1000 };
      const result = await searchKnowledge(db, body, withMeaning ? meaning : undefined);
      if (result.mode !== 'ranked') throw new Error('expected ranked retrieval');
      if (result.chunks.some((chunk) => chunk.fileId === chunkOf.get(q.answer))) found++;
    }
    return found / asked.length;
  };
  console.log(
    `\nrecall@5 (${QUESTIONS.length} questions over ${Object.keys(DOCUMENTS).length} documents and ${DISTRACTORS} distractor chunks; test embedding, not a trained model):`,
  );
  for (const wording of [undefined, 'same', 'other'] as const) {
    const words = await recall(false, wording);
    const fused = await recall(true, wording);
    console.log(
      `  ${(wording ? `${wording} words` : 'all').padEnd(12)} keywords only ${fmt(words * 100, 0).padStart(3)} %   fused ${fmt(fused * 100, 0).padStart(3)} %   fused/keywords ${words ? fmt(fused / words, 2) : '∞'}`,
    );
  }
}

async function insertChunks(db: AnyDb, fileId: string, gptId: string, texts: string[]) {
  await db
    .insertInto('file_chunk')
    .values(
      texts.map((text, ordinal) => ({
        file_id: fileId,
        gpt_id: gptId,
        ordinal,
        page: null,
        char_start: 0,
        char_end: text.length,
        tokens: 100,
        text,
      })),
    )
    .execute();
}

/** One MB of text through ingestFile without and with embedding (the test worker answers at once). */
async function benchIngestion(
  db: AnyDb,
  s3: TestS3,
  userId: string,
  gptId: string,
  client: EmbeddingClient,
  stores: VectorStore[],
) {
  const text = Buffer.from(prose(random(11), 1_000_000));
  const mb = text.length / 1e6;
  const limits = extractLimitsOf(
    loadIngestConfig({ SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789' }),
  );
  const sandbox = new ExtractionSandbox({ size: 1, timeoutMs: 120_000, maxMemoryMb: 512 });
  const deps = { db, store: s3.store, sandbox, limits, maxFileSize: 50_000_000, log: silentLog() };
  const once = async (embedder?: Embedder) => {
    const id = randomUUID();
    const key = `${userId}/${gptId}/${id}/original`;
    await s3.store.put(key, text, text.length, 'text/plain');
    await addFile(db, gptId, `${id}.txt`, {
      id,
      storage_key: key,
      size: text.length,
      status: 'queued',
      progress: 0,
    });
    const started = performance.now();
    const outcome = await ingestFile(embedder ? { ...deps, embedder } : deps, id);
    if (outcome.status !== 'ready') throw new Error(JSON.stringify(outcome));
    return { ms: performance.now() - started, chunks: outcome.chunks };
  };
  try {
    const embedders = stores.map((store) => ({ client, store, batchSize: 32 }));
    await once(); // warm-up: the extraction process
    for (const embedder of embedders) await once(embedder);
    const plain: number[] = [];
    const embedded = embedders.map(() => [] as number[]);
    let chunks = 0;
    for (let i = 0; i < 3; i++) {
      plain.push((await once()).ms);
      for (const [n, embedder] of embedders.entries()) {
        const run = await once(embedder);
        embedded[n]!.push(run.ms);
        chunks = run.chunks;
      }
    }
    const p = percentile(plain, 50) / mb;
    console.log(
      `\ningestion of 1 MB of text (${chunks} chunks, batches of 32, test worker answering at once, its time included), median of 3:`,
    );
    console.log(`  without embedding ${fmt(p, 0)} ms/MB`);
    for (const [n, store] of stores.entries()) {
      const e = percentile(embedded[n]!, 50) / mb;
      console.log(
        `  with embedding, ${store.kind.padEnd(10)} ${fmt(e, 0)} ms/MB: added ${fmt(e - p, 0)} ms/MB (ratio ${fmt(e / p, 2)})`,
      );
    }
  } finally {
    await sandbox.close();
  }
}

/**
 * The cost that grows with a GPT's knowledge: the nearest vectors among `SCALE` chunks, each store on a
 * GPT of its own (random unit vectors of 768 dimensions), and the whole fused search against words only.
 */
async function benchLatency(
  db: AnyDb,
  newGpt: (name: string) => Promise<string>,
  best: VectorStore,
  exact: VectorStore,
) {
  const stores = best.kind === 'pgvector' ? [best, exact] : [exact];
  console.log(
    `\nlatency at ${SCALE / 1000}k chunks (${DIMENSIONS} dimensions; k 8, budget 2000 tokens; 10 nearest-vector lookups and 10 searches each, after warm-up):`,
  );
  const next = random(3);
  const vector = () => unitVector(Array.from({ length: DIMENSIONS }, () => next() - 0.5));
  const client: EmbeddingClient = { model: MODEL, embed: async (texts) => texts.map(vector) };
  for (const store of stores) {
    const gptId = await newGpt(`Latency ${store.kind}`);
    let started = performance.now();
    await growChunks(db, gptId, 0, SCALE);
    await fillVectors(db, gptId, store, vector);
    if (store.kind === 'pgvector') {
      const building = performance.now();
      await store.nearest(db, gptId, MODEL, vector(), 1); // starts the index build
      await store.settle();
      console.log(
        `  pgvector: HNSW index over ${SCALE / 1000}k vectors built in ${fmt((performance.now() - building) / 1000)} s`,
      );
    }
    await addFile(db, gptId, 'marker.txt').then((id) =>
      db.insertInto('file_embedding').values({ file_id: id, model: MODEL }).execute(),
    );
    await sql`analyze chunk_embedding`.execute(db);
    console.log(
      `  ${store.kind}: ${SCALE / 1000}k chunks and vectors made in ${fmt((performance.now() - started) / 1000)} s`,
    );
    const scanLimits = store.kind === 'exact-scan' ? [20_000, SCALE] : [0];
    for (const scanLimit of scanLimits) {
      const measured =
        store.kind === 'exact-scan'
          ? await prepareVectorStore(db, {
              pgvector: 'off',
              scanLimit,
              // Room for all of them (the default, 256 MB, holds about 87k vectors of 768 dimensions).
              cacheMb: Math.ceil((scanLimit * DIMENSIONS * 4) / 2 ** 20) + 1,
              log: silentLog(),
            })
          : store;
      // The first question reads the vectors (the fallback keeps them in memory after it).
      started = performance.now();
      await measured.nearest(db, gptId, MODEL, vector(), 40);
      const first = performance.now() - started;
      const nearest: number[] = [];
      for (let i = 0; i < 12; i++) {
        started = performance.now();
        await measured.nearest(db, gptId, MODEL, vector(), 40);
        if (i >= 2) nearest.push(performance.now() - started);
      }
      const meaning: MeaningSearch = { client, store: measured, log: silentLog(), queryTimeoutMs: 10_000 };
      const words: number[] = [];
      const fused: number[] = [];
      for (let i = 0; i < 10; i++) {
        const query = prose(next, 20).split(' ').slice(0, 2).join(' ');
        const body = { gptId, query, k: 8, budgetTokens: 2000 };
        started = performance.now();
        await searchKnowledge(db, body);
        words.push(performance.now() - started);
        started = performance.now();
        await searchKnowledge(db, body, meaning);
        fused.push(performance.now() - started);
      }
      const label =
        store.kind === 'exact-scan'
          ? `exact-scan (${scanLimit / 1000}k, ${fmt((scanLimit * DIMENSIONS * 4) / 2 ** 20, 0)} MB)`
          : store.kind;
      console.log(
        `  ${label.padEnd(30)} first question ${fmt(first)} ms; nearest 40: p50 ${fmt(percentile(nearest, 50))} ms, p95 ${fmt(percentile(nearest, 95))} ms; search fused p50 ${fmt(percentile(fused, 50))} ms against words only ${fmt(percentile(words, 50))} ms (ratio ${fmt(percentile(fused, 50) / percentile(words, 50), 1)})`,
      );
    }
  }
}

/**
 * A vector for every chunk of the GPT: for pgvector made in SQL (random, of any length: cosine does not
 * care), for the fallback written as its store writes them, 1000 at a time.
 */
async function fillVectors(db: AnyDb, gptId: string, store: VectorStore, vector: () => Float32Array) {
  if (store.kind === 'pgvector') {
    await sql`
      insert into chunk_embedding (chunk_id, model, gpt_id, dimensions, vec)
      select c.id, ${MODEL}, c.gpt_id, ${DIMENSIONS},
             (select array_agg(random() - 0.5) from generate_series(1, ${DIMENSIONS}) where c.id > 0)::vector
      from file_chunk c where c.gpt_id = ${gptId}`.execute(db);
    return;
  }
  let after = '0';
  for (;;) {
    const rows = await db
      .selectFrom('file_chunk')
      .select('id')
      .where('gpt_id', '=', gptId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(1000)
      .execute();
    if (rows.length === 0) return;
    await store.save(
      db,
      MODEL,
      rows.map((row) => ({ chunkId: String(row.id), gptId, vector: vector() })),
    );
    after = String(rows.at(-1)!.id);
  }
}

function silentLog() {
  const noop = () => {};
  const log = { info: noop, warn: noop, error: noop, debug: noop, child: () => log };
  return log as never;
}
