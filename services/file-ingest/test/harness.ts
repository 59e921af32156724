import type { KnowledgeFile, SearchResult } from '@chatty/contracts';
import {
  buildIngest,
  type IngestApp,
  type IngestDatabase,
  loadIngestConfig,
  startWorker,
} from '@chatty/file-ingest';
import { serviceToken } from '@chatty/shared';
import { TEST_REDIS_URL } from '@chatty/testkit';
import { type Kysely, sql } from 'kysely';
import {
  createGpt,
  type RegistryHarness,
  signUp,
  startRegistry,
  TEST_SECRET,
} from '../../gpt-registry/test/harness.js';
import { multipartFile } from '../../gpt-registry/test/images.js';

export { createGpt, signUp } from '../../gpt-registry/test/harness.js';

export interface Stack {
  registry: RegistryHarness;
  ingest: IngestApp;
  /** The environment file-ingest runs with: the registry's database, bucket and queue prefix. */
  ingestEnv: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The registry and file-ingest sharing one database (cloned), one S3 bucket and one queue prefix, as
 * they do in production. `worker: false` leaves the queue without a consumer.
 */
export async function startStack({
  worker = true,
  env = {},
}: {
  worker?: boolean;
  env?: Record<string, string>;
} = {}): Promise<Stack> {
  const registry = await startRegistry(env);
  const ingestEnv = {
    DATABASE_URL: registry.database.url,
    REDIS_URL: TEST_REDIS_URL,
    SECRET_KEY: TEST_SECRET,
    LOG_LEVEL: 'silent',
    DB_POOL_MAX: '4',
    REDIS_PREFIX: registry.queuePrefix,
    INGEST_LOCK_MS: '2000',
    ...registry.s3.env,
    ...env,
  };
  const config = loadIngestConfig({ ...ingestEnv, INGEST_WORKER: String(worker) });
  const ingest = await buildIngest(config);
  if (worker) await startWorker(ingest, config);
  await ingest.ready();
  return {
    registry,
    ingest,
    ingestEnv,
    async close() {
      await ingest.close();
      await registry.close();
    },
  };
}

export async function upload(
  stack: Stack,
  auth: Record<string, string>,
  gptId: string,
  name: string,
  bytes: Buffer,
  /** The type the client declares; the registry decides by name and content, whatever it says. */
  type = 'application/octet-stream',
) {
  const { payload, headers } = multipartFile(name, type, bytes);
  return stack.registry.app.inject({
    method: 'POST',
    url: `/api/gpts/${gptId}/files`,
    headers: { ...auth, ...headers },
    payload,
  });
}

export async function getFile(
  stack: Stack,
  auth: Record<string, string>,
  fileId: string,
): Promise<KnowledgeFile> {
  const response = await stack.registry.app.inject({
    method: 'GET',
    url: `/api/gpts/files/${fileId}`,
    headers: auth,
  });
  if (response.statusCode !== 200)
    throw new Error(`GET file answered ${response.statusCode}: ${response.body}`);
  return response.json() as KnowledgeFile;
}

/** Polls the public route until the file is ready or failed. */
export async function waitUntilDone(
  stack: Stack,
  auth: Record<string, string>,
  fileId: string,
  timeoutMs = 20_000,
): Promise<KnowledgeFile> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const file = await getFile(stack, auth, fileId);
    if (file.status === 'ready' || file.status === 'failed') return file;
    if (Date.now() > deadline) throw new Error(`file ${fileId} still ${file.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function search(
  stack: Stack,
  body: { gptId: string; query: string; k?: number; budgetTokens: number },
): Promise<SearchResult> {
  const response = await stack.ingest.inject({
    method: 'POST',
    url: '/internal/search',
    headers: { 'x-service-token': serviceToken(TEST_SECRET, 'file-ingest') },
    payload: body,
  });
  if (response.statusCode !== 200)
    throw new Error(`search answered ${response.statusCode}: ${response.body}`);
  return response.json() as SearchResult;
}

/** A file's chunks, and how many of them have a vector of `model`. */
export async function vectorCounts(
  db: Kysely<IngestDatabase>,
  fileId: string,
  model: string,
): Promise<{ chunks: number; vectors: number }> {
  const { rows } = await sql<{ chunks: number; vectors: number }>`
    select (select count(*) from file_chunk where file_id = ${fileId})::int as chunks,
           (select count(*) from chunk_embedding e join file_chunk c on c.id = e.chunk_id
            where c.file_id = ${fileId} and e.model = ${model})::int as vectors`.execute(db);
  return rows[0]!;
}

/** A GPT of a new user with one uploaded text file, once the file is done. */
export async function gptWithFile(stack: Stack, name: string, text: string) {
  const owner = await signUp(stack.registry.app);
  const gptId = (await createGpt(stack.registry.app, owner.auth)).id;
  const fileId = (await upload(stack, owner.auth, gptId, name, Buffer.from(text))).json().id as string;
  await waitUntilDone(stack, owner.auth, fileId);
  return { owner, gptId, fileId };
}
