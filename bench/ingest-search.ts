import { performance } from 'node:perf_hooks';
import { serviceToken } from '@chatty/shared';
import { type Kysely, sql } from 'kysely';
import type { IngestApp } from '../services/file-ingest/src/index.js';
import { random, VOCABULARY } from './ingest-corpus.js';

const CHUNK_WORDS = 60;
const QUERIES = 60;

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Grows one GPT's knowledge to `total` chunks of about `CHUNK_WORDS` words each, in SQL (generating a
 * million chunks through the extractor would take the bench's whole budget). One file per 10 000.
 */
// biome-ignore lint/suspicious/noExplicitAny: the bench writes rows of both services' tables
export async function growChunks(db: Kysely<any>, gptId: string, from: number, total: number) {
  const perFile = 10_000;
  for (let start = from; start < total; start += perFile) {
    const fileId = crypto.randomUUID();
    await db
      .insertInto('gpt_file')
      .values({
        id: fileId,
        gpt_id: gptId,
        filename: `${fileId}.txt`,
        original_name: `bulk-${start}.txt`,
        mime_type: 'text/plain',
        size: 1,
        storage_key: `bench/${fileId}/original`,
        sha256: '-',
        status: 'ready',
        progress: 1,
        is_active: true,
      })
      .execute();
    // Word i is drawn with probability falling as a power law: a few very common words, a long tail.
    await sql`
      insert into file_chunk (file_id, gpt_id, ordinal, page, char_start, char_end, tokens, text)
      select ${fileId}::uuid, ${gptId}::uuid, n, null, 0, 0, 100,
             (select string_agg((${VOCABULARY}::text[])[1 + floor(power(random(), 3) * ${VOCABULARY.length})::int], ' ')
              from generate_series(1, ${CHUNK_WORDS}) as g(i) where n >= 0)
      from generate_series(0, ${Math.min(perFile, total - start) - 1}) as n`.execute(db);
  }
  await sql`analyze file_chunk`.execute(db);
}

/** p50/p95 of POST /internal/search over a mix of common, middling and rare words. */
export async function measureSearch(app: IngestApp, gptId: string, secret: string) {
  const next = random(99);
  const pick = (bias: number) => VOCABULARY[Math.floor(next() ** bias * VOCABULARY.length)]!;
  const queries = Array.from({ length: QUERIES }, (_, i) =>
    i % 3 === 0 ? pick(3) : i % 3 === 1 ? `${pick(1)} ${pick(1)}` : pick(0.3),
  );
  const token = serviceToken(secret, 'file-ingest');
  const call = (query: string) =>
    app.inject({
      method: 'POST',
      url: '/internal/search',
      headers: { 'x-service-token': token },
      payload: { gptId, query, k: 8, budgetTokens: 2000 },
    });
  for (const query of queries.slice(0, 5)) await call(query); // warm-up
  const times: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    const response = await call(query);
    times.push(performance.now() - started);
    if (response.statusCode !== 200)
      throw new Error(`search answered ${response.statusCode}: ${response.body}`);
    if (response.json().mode !== 'ranked') throw new Error('expected ranked retrieval');
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}
