import { sql } from 'kysely';
import type { Db } from '../db/schema.js';
import type { EmbeddingClient } from './embedding-client.js';
import type { VectorStore } from './vector-store.js';

export interface Embedder {
  client: EmbeddingClient;
  store: VectorStore;
  batchSize: number;
}

/**
 * Embeds the file's chunks that have no vector of the model yet, a batch at a time, each batch saved as
 * it comes: a run cut short (a crash, a worker down) leaves what it saved, and the next run embeds only
 * the rest. When none is left the file is recorded as embedded. Returns the chunks embedded now.
 */
export async function embedFileChunks(
  db: Db,
  embedder: Embedder,
  file: { id: string; gptId: string },
  onProgress: (done: number, total: number) => void = () => {},
): Promise<number> {
  const { client, store, batchSize } = embedder;
  const model = client.model;
  const missingVector =
    store.kind === 'pgvector'
      ? sql`not exists (select 1 from chunk_embedding e
                        where e.chunk_id = c.id and e.model = ${model} and e.vec is not null)`
      : sql`not exists (select 1 from chunk_embedding e where e.chunk_id = c.id and e.model = ${model})`;
  const { rows: counts } = await sql<{ total: number; missing: number }>`
    select count(*)::int as total, count(*) filter (where ${missingVector})::int as missing
    from file_chunk c where c.file_id = ${file.id}`.execute(db);
  const { total, missing } = counts[0]!;
  let embedded = 0;
  let afterOrdinal = -1;
  while (embedded < missing) {
    const { rows: batch } = await sql<{ id: string; ordinal: number; text: string }>`
      select c.id, c.ordinal, c.text from file_chunk c
      where c.file_id = ${file.id} and c.ordinal > ${afterOrdinal} and ${missingVector}
      order by c.ordinal limit ${batchSize}`.execute(db);
    if (batch.length === 0) break;
    const vectors = await client.embed(batch.map((chunk) => chunk.text));
    await store.save(
      db,
      model,
      batch.map((chunk, i) => ({ chunkId: String(chunk.id), gptId: file.gptId, vector: vectors[i]! })),
    );
    embedded += batch.length;
    afterOrdinal = batch.at(-1)!.ordinal;
    onProgress(total - missing + embedded, total);
  }
  await db
    .insertInto('file_embedding')
    .values({ file_id: file.id, model })
    .onConflict((conflict) => conflict.doNothing())
    .execute();
  return embedded;
}
