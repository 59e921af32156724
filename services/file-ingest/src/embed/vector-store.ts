import { createHash } from 'node:crypto';
import type { Logger } from '@chatty/shared';
import { sql } from 'kysely';
import type { Db } from '../db/schema.js';

export interface ChunkVector {
  chunkId: string;
  gptId: string;
  vector: Float32Array;
}

export interface VectorHit {
  chunkId: string;
  similarity: number;
}

/**
 * Where vectors live and how the nearest are found. `pgvector`: a `vector` column, searched in
 * Postgres (an HNSW index, or exactly for a small GPT). `exact-scan`: float32 in bytea, compared
 * exactly in this service — the GPT's most recent `scanLimit` vectors, kept in memory between
 * questions.
 */
export interface VectorStore {
  readonly kind: 'pgvector' | 'exact-scan';
  save(db: Db, model: string, rows: ChunkVector[]): Promise<void>;
  nearest(db: Db, gptId: string, model: string, query: Float32Array, limit: number): Promise<VectorHit[]>;
  /** Resolves when work started in the background (index builds) is done. */
  settle(): Promise<void>;
}

/**
 * Picks the store at start-up. With `auto` and a server that offers pgvector, the extension is created
 * and `chunk_embedding.vec` added when missing (both idempotent, and skipped when already there, so a
 * restart takes no lock on the table); otherwise vectors stay in bytea.
 */
export async function prepareVectorStore(
  db: Db,
  {
    pgvector,
    scanLimit,
    cacheMb = 256,
    log,
  }: { pgvector: 'auto' | 'off'; scanLimit: number; cacheMb?: number; log: Logger },
): Promise<VectorStore> {
  if (pgvector === 'auto' && (await ensurePgvectorColumn(db, log))) return pgvectorStore(log);
  log.info({ scanLimit, cacheMb }, 'vectors in bytea, compared in this service (pgvector is not available)');
  return exactScanStore(scanLimit, cacheMb * 1024 * 1024);
}

async function ensurePgvectorColumn(db: Db, log: Logger): Promise<boolean> {
  const state = async () =>
    (
      await sql<{ available: boolean; installed: boolean; column: boolean }>`
        select exists (select 1 from pg_available_extensions where name = 'vector') as available,
               exists (select 1 from pg_extension where extname = 'vector') as installed,
               exists (select 1 from information_schema.columns
                       where table_name = 'chunk_embedding' and column_name = 'vec'
                         and table_schema = current_schema()) as column`.execute(db)
    ).rows[0]!;
  const before = await state();
  if (before.column) {
    log.info('vectors in pgvector');
    return true;
  }
  if (!before.available) return false;
  try {
    if (!before.installed) await sql`create extension if not exists vector`.execute(db);
    await sql`alter table chunk_embedding add column if not exists vec vector`.execute(db);
    await sql`alter table chunk_embedding alter column vec set storage main`.execute(db);
    // Vectors saved in bytea before the server had pgvector: every file is embedded again, into `vec`.
    await db.deleteFrom('file_embedding').execute();
    log.info('vectors in pgvector (column added)');
  } catch (error) {
    // Another replica did the same at the same moment, or this role may not create extensions.
    if (!(await state()).column) {
      log.warn({ reason: (error as Error).message }, 'pgvector is there but could not be set up');
      return false;
    }
  }
  return true;
}

const vectorLiteral = (vector: Float32Array) => `[${Array.from(vector).join(',')}]`;

/**
 * pgvector: an HNSW index per model and size (a partial index over `vec::vector(n)`, since the column
 * takes vectors of any size), made in the background (CONCURRENTLY: writes go on) the first time a
 * model's vectors are saved or searched. A GPT's nearest vectors come from it with iterative scans
 * (pgvector 0.8), which keep walking the graph until enough of this GPT's chunks are found; for a GPT
 * with few chunks the planner reads them through the GPT's btree instead and compares them all.
 */
function pgvectorStore(log: Logger): VectorStore {
  const indexes = new Map<string, Promise<void>>();
  const ensureIndex = (db: Db, model: string, dimensions: number) => {
    const key = `${model}/${dimensions}`;
    if (!indexes.has(key)) {
      const name = `chunk_embedding_hnsw_${createHash('md5').update(key).digest('hex').slice(0, 16)}`;
      const build = db
        .connection()
        .execute(async (session) => {
          // One builder across replicas; the others leave it to that one.
          const { rows } = await sql<{ locked: boolean; valid: boolean | null }>`
            select pg_try_advisory_lock(hashtext(${name})) as locked,
                   (select indisvalid from pg_index where indexrelid = to_regclass(${name})) as valid`.execute(
            session,
          );
          if (!rows[0]?.locked) return;
          try {
            // Left invalid by a build that was cut short (a restart): made again.
            if (rows[0].valid === false)
              await sql`drop index concurrently if exists ${sql.id(name)}`.execute(session);
            // The build is many times faster while the graph fits in memory (100k vectors of 768
            // dimensions: about 350 MB); Postgres's default, 64 MB, makes it spill to disk.
            await sql`set maintenance_work_mem = '512MB'`.execute(session);
            await sql`
              create index concurrently if not exists ${sql.id(name)} on chunk_embedding
              using hnsw ((vec::vector(${sql.lit(dimensions)})) vector_cosine_ops)
              where model = ${sql.lit(model)} and dimensions = ${sql.lit(dimensions)}`.execute(session);
          } finally {
            await sql`reset maintenance_work_mem`.execute(session);
            await sql`select pg_advisory_unlock(hashtext(${name}))`.execute(session);
          }
        })
        .then(() => log.info({ model, dimensions, index: name }, 'vector index ready'))
        .catch((error: Error) => {
          // Searches stay exact (and slower) without it; the next process start tries again.
          log.warn({ model, dimensions, reason: error.message }, 'could not build the vector index');
        });
      indexes.set(key, build);
    }
  };
  return {
    kind: 'pgvector',
    async save(db, model, rows) {
      if (rows.length === 0) return;
      const values = rows.map(
        (row) =>
          sql`(${row.chunkId}::bigint, ${model}, ${row.gptId}::uuid, ${row.vector.length}, ${vectorLiteral(row.vector)}::vector)`,
      );
      await sql`
        insert into chunk_embedding (chunk_id, model, gpt_id, dimensions, vec)
        values ${sql.join(values)}
        on conflict (chunk_id, model) do update
          set vec = excluded.vec, dimensions = excluded.dimensions, embedding = null`.execute(db);
      ensureIndex(db, model, rows[0]!.vector.length);
    },
    async nearest(db, gptId, model, query, limit) {
      ensureIndex(db, model, query.length);
      const typed = sql`vector(${sql.lit(query.length)})`;
      const literal = vectorLiteral(query);
      const rows = await db.transaction().execute(async (trx) => {
        // As for full-text search: compiling the plan would cost more than running it.
        await sql`select set_config('jit', 'off', true)`.execute(trx);
        await sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true)`.execute(trx);
        await sql`select set_config('hnsw.ef_search', ${String(Math.max(limit * 2, 100))}, true)`.execute(
          trx,
        );
        return (
          await sql<VectorHit>`
            select chunk_id as "chunkId", 1 - ((vec::${typed}) <=> ${literal}::${typed}) as similarity
            from chunk_embedding
            where model = ${sql.lit(model)} and dimensions = ${sql.lit(query.length)}
              and gpt_id = ${gptId} and vec is not null
            order by (vec::${typed}) <=> ${literal}::${typed}
            limit ${limit}`.execute(trx)
        ).rows;
      });
      // relaxed_order: nearly sorted; sorted here.
      return rows
        .map((row) => ({ chunkId: String(row.chunkId), similarity: Number(row.similarity) }))
        .sort((a, b) => b.similarity - a.similarity);
    },
    settle: async () => {
      await Promise.all(indexes.values());
    },
  };
}

/**
 * Reading vectors out of Postgres costs far more than comparing them (10k vectors of 768 dimensions:
 * about 0.8 s to read, 10 ms to compare), so each GPT's vectors are kept here once read, as one
 * Float32Array, within `cacheBytes` (least recently used GPTs leave first). Before each question a
 * cheap check (the GPT's embedded files: how many, the newest) tells whether its vectors changed.
 */
function exactScanStore(scanLimit: number, cacheBytes: number): VectorStore {
  const cache = new Map<string, VectorMatrix>();
  let cachedBytes = 0;
  const remember = (key: string, matrix: VectorMatrix) => {
    const old = cache.get(key);
    if (old) {
      cache.delete(key);
      cachedBytes -= old.vectors.byteLength;
    }
    if (matrix.vectors.byteLength > cacheBytes) return;
    for (const [oldest, entry] of cache) {
      if (cachedBytes + matrix.vectors.byteLength <= cacheBytes) break;
      cache.delete(oldest);
      cachedBytes -= entry.vectors.byteLength;
    }
    cache.set(key, matrix);
    cachedBytes += matrix.vectors.byteLength;
  };

  return {
    kind: 'exact-scan',
    settle: async () => {},
    async save(db, model, rows) {
      if (rows.length === 0) return;
      await db
        .insertInto('chunk_embedding')
        .values(
          rows.map((row) => ({
            chunk_id: row.chunkId,
            model,
            gpt_id: row.gptId,
            dimensions: row.vector.length,
            embedding: float32Bytes(row.vector),
          })),
        )
        .onConflict((conflict) =>
          conflict.columns(['chunk_id', 'model']).doUpdateSet((eb) => ({
            embedding: eb.ref('excluded.embedding'),
            dimensions: eb.ref('excluded.dimensions'),
          })),
        )
        .execute();
    },
    async nearest(db, gptId, model, query, limit) {
      const key = `${gptId}/${model}/${query.length}`;
      // Files, not chunks: a file's vectors count once all are there (file_embedding), and a deleted
      // file takes its row along. Counting chunks instead would read every one of them.
      const { rows } = await sql<{ version: string }>`
        select count(*) || '/' || coalesce(max(fe.embedded_at)::text, '') as version
        from file_embedding fe join gpt_file f on f.id = fe.file_id
        where f.gpt_id = ${gptId} and fe.model = ${model}`.execute(db);
      const version = rows[0]!.version;
      let matrix = cache.get(key);
      if (matrix?.version === version) {
        remember(key, matrix); // most recently used
      } else {
        matrix = await readMatrix(db, gptId, model, query.length, scanLimit, version);
        remember(key, matrix);
      }
      return matrix.nearest(query, limit);
    },
  };
}

interface VectorMatrix {
  version: string;
  vectors: Float32Array;
  nearest(query: Float32Array, limit: number): VectorHit[];
}

/** The GPT's most recent `scanLimit` vectors of the model, one row of `dimensions` floats each. */
async function readMatrix(
  db: Db,
  gptId: string,
  model: string,
  dimensions: number,
  scanLimit: number,
  version: string,
): Promise<VectorMatrix> {
  const rows = await db
    .selectFrom('chunk_embedding')
    .select(['chunk_id', 'embedding'])
    .where('gpt_id', '=', gptId)
    .where('model', '=', model)
    .where('dimensions', '=', dimensions)
    .where('embedding', 'is not', null)
    .orderBy('chunk_id', 'desc')
    .limit(scanLimit)
    .execute();
  const ids = rows.map((row) => String(row.chunk_id));
  const vectors = new Float32Array(rows.length * dimensions);
  rows.forEach((row, r) => {
    for (let i = 0; i < dimensions; i++) vectors[r * dimensions + i] = row.embedding!.readFloatLE(i * 4);
  });
  return {
    version,
    vectors,
    nearest(query, limit) {
      // The best `limit` so far, worst last: most rows are refused by one comparison.
      const best: VectorHit[] = [];
      for (let r = 0; r < ids.length; r++) {
        let similarity = 0;
        const base = r * dimensions;
        for (let i = 0; i < dimensions; i++) similarity += query[i]! * vectors[base + i]!;
        if (best.length === limit && similarity <= best[limit - 1]!.similarity) continue;
        let at = best.length === limit ? limit - 1 : best.length;
        while (at > 0 && best[at - 1]!.similarity < similarity) {
          best[at] = best[at - 1]!;
          at--;
        }
        best[at] = { chunkId: ids[r]!, similarity };
      }
      return best;
    },
  };
}

function float32Bytes(vector: Float32Array): Buffer {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4);
  return bytes;
}
