import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
// The specifiers the services use, so the bench and they share one instance (run.ts maps them to src).
import { createDb, INGEST_JOB_OPTIONS, INGEST_QUEUE, type IngestJob, migrateToLatest } from '@chatty/shared';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  startTestS3,
  type TestS3,
} from '../packages/testkit/src/index.js';
import {
  buildIngest,
  ExtractionSandbox,
  type ExtractKind,
  extract,
  extractLimitsOf,
  INGEST_MIGRATION_TABLE,
  ingestFile,
  ingestMigrations,
  loadIngestConfig,
  startWorker,
} from '../services/file-ingest/src/index.js';
import { REGISTRY_MIGRATION_TABLE, registryMigrations } from '../services/gpt-registry/src/index.js';
import { type BenchFile, makeCorpus } from './ingest-corpus.js';
import { growChunks, measureSearch, percentile } from './ingest-search.js';

const SECRET_KEY = 'bench-secret-key-that-is-long-enough-0123456789';
const MIME: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  code: 'text/javascript',
};
const EMPTY_JOBS = 2000;

const fmt = (value: number, digits = 1) => value.toFixed(digits);

/**
 * Ingestion and retrieval, each against a baseline in the same run: every file is extracted directly
 * (the parser alone, in this thread), then ingested through the BullMQ worker (S3, sandbox thread,
 * chunking, Postgres); the ratio is the price of the pipeline. Then search latency at 100k and 1M chunks.
 */
export async function run(): Promise<void> {
  const database = `chatty_bench_ingest_${Date.now()}`;
  const prefix = `chatty-bench-${randomUUID()}`;
  let s3: TestS3 | undefined;
  await createDatabase(database);
  // biome-ignore lint/suspicious/noExplicitAny: the bench writes rows of both services' tables
  const db = createDb<any>(databaseUrl(database), { max: 4 });
  try {
    await migrateToLatest(db, registryMigrations, { table: REGISTRY_MIGRATION_TABLE });
    await migrateToLatest(db, ingestMigrations, { table: INGEST_MIGRATION_TABLE });
    s3 = await startTestS3();
    const env = {
      DATABASE_URL: databaseUrl(database),
      SECRET_KEY,
      LOG_LEVEL: 'silent',
      REDIS_PREFIX: prefix,
      INGEST_CONCURRENCY: '1',
      ...s3.env,
    };
    const user = await db
      .insertInto('app_user')
      .values({ email: 'bench@example.com', password_hash: '-', role: 'admin' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const gpt = await db
      .insertInto('gpt')
      .values({ user_id: user.id, name: 'Bench', model_id: 'deepseek-coder' })
      .returning('id')
      .executeTakeFirstOrThrow();

    const corpus = await makeCorpus({
      perType: Number(process.env.BENCH_FILES ?? 6),
      size: 1_000_000,
      pdfPages: 200,
    });
    console.log(`corpus: ${corpus.length} files (${fmt(sum(corpus.map((f) => f.bytes.length)) / 1e6)} MB)`);
    await benchIngest(db, s3, env, user.id, gpt.id, corpus);
    await benchEmptyJobs(prefix);
    await benchSearch(db, env, gpt.id);
  } finally {
    await db.destroy();
    await s3?.close();
    await dropDatabase(database).catch((error) => console.error(error));
    const redis = new Redis();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const kindOf = (type: string): ExtractKind => type as ExtractKind;

async function benchIngest(
  // biome-ignore lint/suspicious/noExplicitAny: the bench writes rows of both services' tables
  db: any,
  s3: TestS3,
  env: Record<string, string>,
  userId: string,
  gptId: string,
  corpus: BenchFile[],
) {
  const config = loadIngestConfig({ ...env, INGEST_WORKER: 'false' });
  const limits = extractLimitsOf(config);
  const direct = new Map<BenchFile, number>();
  for (const file of corpus) await extract(kindOf(file.type), file.bytes, limits); // warm-up: load parsers
  for (const file of corpus) {
    const started = performance.now();
    await extract(kindOf(file.type), file.bytes, limits);
    direct.set(file, performance.now() - started);
  }

  const store = s3.store;
  const addFile = async (file: BenchFile) => {
    const id = randomUUID();
    const key = `${userId}/${gptId}/${id}/original`;
    await store.put(key, file.bytes, file.bytes.length, MIME[file.type]!);
    await db
      .insertInto('gpt_file')
      .values({
        id,
        gpt_id: gptId,
        filename: `${id}.${file.type}`,
        original_name: file.name,
        mime_type: MIME[file.type]!,
        size: file.bytes.length,
        storage_key: key,
        sha256: '-',
        status: 'queued',
        progress: 0,
        is_active: true,
      })
      .execute();
    return id;
  };

  // The same work without BullMQ: ingestFile called in this process, through the same sandbox.
  const sandbox = new ExtractionSandbox({ size: 1, timeoutMs: 120_000, maxMemoryMb: 512 });
  const deps = { db, store, sandbox, limits, maxFileSize: 50_000_000, log: silentLog() };
  await ingestFile(deps, await addFile(corpus[0]!)); // warm-up: start the thread
  const pipelineDirect = new Map<BenchFile, number>();
  for (const file of corpus) {
    const id = await addFile(file);
    const started = performance.now();
    const outcome = await ingestFile(deps, id);
    pipelineDirect.set(file, performance.now() - started);
    if (outcome.status !== 'ready') throw new Error(`${file.name}: ${JSON.stringify(outcome)}`);
  }
  await sandbox.close();

  const workerConfig = loadIngestConfig({ ...env, INGEST_WORKER: 'true' });
  const app = await buildIngest(workerConfig);
  await startWorker(app, workerConfig);
  const connection = new Redis({ maxRetriesPerRequest: null });
  const queue = new Queue<IngestJob>(INGEST_QUEUE, { connection, prefix: env.REDIS_PREFIX });
  const eventsConnection = connection.duplicate();
  const events = new QueueEvents(INGEST_QUEUE, {
    connection: eventsConnection,
    prefix: env.REDIS_PREFIX,
  });
  await events.waitUntilReady();
  const viaQueue = new Map<BenchFile, number>();
  const through = async (file: BenchFile) => {
    const id = await addFile(file);
    const started = performance.now();
    const job = await queue.add(INGEST_QUEUE, { fileId: id }, { ...INGEST_JOB_OPTIONS, jobId: id });
    await job.waitUntilFinished(events, 300_000);
    return performance.now() - started;
  };
  await through(corpus[0]!); // warm-up
  for (const file of corpus) viaQueue.set(file, await through(file));
  await events.close();
  await queue.close();
  // BullMQ leaves open the connections it is given.
  eventsConnection.disconnect();
  connection.disconnect();
  await app.close();

  console.log('\nper type (direct = the parser alone; queue = BullMQ → S3 → sandbox → chunks → Postgres):');
  console.log(
    'type   files   MB/s direct   MB/s queue   pages/s queue   p50 ms   p99 ms   queue/direct   queue/ingestFile',
  );
  for (const type of Object.keys(MIME)) {
    const files = corpus.filter((file) => file.type === type);
    const bytes = sum(files.map((file) => file.bytes.length));
    const d = sum(files.map((file) => direct.get(file)!));
    const q = files.map((file) => viaQueue.get(file)!);
    const p = sum(files.map((file) => pipelineDirect.get(file)!));
    const pages = sum(files.map((file) => file.pages ?? 0));
    console.log(
      `${type.padEnd(6)} ${String(files.length).padStart(5)} ${fmt(bytes / 1e6 / (d / 1000)).padStart(13)} ${fmt(bytes / 1e6 / (sum(q) / 1000)).padStart(12)} ${(pages ? fmt(pages / (sum(q) / 1000)) : '-').padStart(15)} ${fmt(percentile(q, 50)).padStart(8)} ${fmt(percentile(q, 99)).padStart(8)} ${fmt(sum(q) / d, 2).padStart(14)} ${fmt(sum(q) / p, 2).padStart(18)}`,
    );
  }
  const all = (map: Map<BenchFile, number>) => sum([...map.values()]);
  console.log(
    `all    ratio queue/direct parser ${fmt(all(viaQueue) / all(direct), 2)}; queue/ingestFile (BullMQ's own share, target ≤ 1.10) ${fmt(all(viaQueue) / all(pipelineDirect), 2)}`,
  );
}

async function benchEmptyJobs(prefix: string) {
  const connection = new Redis({ maxRetriesPerRequest: null });
  const name = `${INGEST_QUEUE}-empty`;
  const queue = new Queue(name, { connection, prefix });
  let done = 0;
  let finished: () => void = () => {};
  const allDone = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const workerConnection = connection.duplicate();
  const worker = new Worker(name, async () => {}, {
    connection: workerConnection,
    prefix,
    concurrency: 2,
  });
  worker.on('completed', () => {
    if (++done === EMPTY_JOBS) finished();
  });
  await worker.waitUntilReady();
  const started = performance.now();
  for (let i = 0; i < EMPTY_JOBS; i += 500) {
    await queue.addBulk(
      Array.from({ length: 500 }, (_, j) => ({
        name,
        data: { fileId: `f${i + j}` },
        opts: { jobId: `f${i + j}`, removeOnComplete: true },
      })),
    );
  }
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\nempty jobs: ${EMPTY_JOBS} in ${fmt(seconds, 2)} s = ${fmt(EMPTY_JOBS / seconds, 0)} jobs/s (concurrency 2, as INGEST_CONCURRENCY's default)`,
  );
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  workerConnection.disconnect();
  connection.disconnect();
}

// biome-ignore lint/suspicious/noExplicitAny: the bench writes rows of both services' tables
async function benchSearch(db: any, env: Record<string, string>, gptId: string) {
  const app = await buildIngest(loadIngestConfig({ ...env, INGEST_WORKER: 'false' }));
  try {
    const searchGpt = await db
      .insertInto('gpt')
      .values({
        user_id: (
          await db.selectFrom('gpt').select('user_id').where('id', '=', gptId).executeTakeFirstOrThrow()
        ).user_id,
        name: 'Search',
        model_id: 'deepseek-coder',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    console.log(
      '\nsearch (one GPT, chunks of 60 words; k 8, budget 2000 tokens; common, paired and rare words):',
    );
    let started = performance.now();
    await growChunks(db, searchGpt.id, 0, 100_000);
    console.log(`  100k chunks generated in ${fmt((performance.now() - started) / 1000)} s`);
    const small = await measureSearch(app, searchGpt.id, SECRET_KEY);
    console.log(`  100k chunks: p50 ${fmt(small.p50)} ms, p95 ${fmt(small.p95)} ms (target p95 ≤ 50 ms)`);
    started = performance.now();
    const big = Number(process.env.BENCH_BIG_CHUNKS ?? 1_000_000);
    await growChunks(db, searchGpt.id, 100_000, big);
    console.log(`  grown to ${big / 1000}k chunks in ${fmt((performance.now() - started) / 1000)} s`);
    const large = await measureSearch(app, searchGpt.id, SECRET_KEY);
    console.log(
      `  ${big / 1000}k chunks: p50 ${fmt(large.p50)} ms, p95 ${fmt(large.p95)} ms; p95 ratio to 100k ${fmt(large.p95 / small.p95, 2)} (target ≤ 3 at 1M)`,
    );
  } finally {
    await app.close();
  }
}

function silentLog() {
  const noop = () => {};
  const log = { info: noop, warn: noop, error: noop, debug: noop, child: () => log };
  return log as never;
}
