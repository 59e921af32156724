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
 * Where vectors live and how the nearest are found. `pgvector`: a `vector` column, compared in
 * Postgres (exact, `<=>`). `exact-scan`: float32 in bytea, read and compared here — the GPT's most recent
 * `scanLimit` vectors, since reading a vector costs about as much as comparing a thousand in C.
 */
export interface VectorStore {
  readonly kind: 'pgvector' | 'exact-scan';
  save(db: Db, model: string, rows: ChunkVector[]): Promise<void>;
  nearest(db: Db, gptId: string, model: string, query: Float32Array, limit: number): Promise<VectorHit[]>;
}

/**
 * Picks the store at start-up. With `auto` and a server that offers pgvector, the extension is created
 * and `chunk_embedding.vec` added when missing (both idempotent, and skipped when already there, so a
 * restart takes no lock on the table); otherwise vectors stay in bytea.
 */
export async function prepareVectorStore(
  db: Db,
  { pgvector, scanLimit, log }: { pgvector: 'auto' | 'off'; scanLimit: number; log: Logger },
): Promise<VectorStore> {
  if (pgvector === 'auto' && (await ensurePgvectorColumn(db, log))) return pgvectorStore();
  log.info({ scanLimit }, 'vectors in bytea, compared in this service (pgvector is not available)');
  return exactScanStore(scanLimit);
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

function pgvectorStore(): VectorStore {
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
    },
    async nearest(db, gptId, model, query, limit) {
      const literal = vectorLiteral(query);
      return db.transaction().execute(async (trx) => {
        // As for full-text search: compiling the plan would cost more than running it.
        await sql`select set_config('jit', 'off', true)`.execute(trx);
        const { rows } = await sql<VectorHit>`
          select chunk_id as "chunkId", 1 - (vec <=> ${literal}::vector) as similarity
          from chunk_embedding
          where gpt_id = ${gptId} and model = ${model} and vec is not null
            and dimensions = ${query.length}
          order by vec <=> ${literal}::vector
          limit ${limit}`.execute(trx);
        return rows.map((row) => ({ chunkId: String(row.chunkId), similarity: Number(row.similarity) }));
      });
    },
  };
}

function exactScanStore(scanLimit: number): VectorStore {
  return {
    kind: 'exact-scan',
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
      const rows = await db
        .selectFrom('chunk_embedding')
        .select(['chunk_id', 'embedding'])
        .where('gpt_id', '=', gptId)
        .where('model', '=', model)
        .where('dimensions', '=', query.length)
        .where('embedding', 'is not', null)
        .orderBy('chunk_id', 'desc')
        .limit(scanLimit)
        .execute();
      const hits: VectorHit[] = [];
      for (const row of rows) {
        hits.push({ chunkId: String(row.chunk_id), similarity: dot(query, row.embedding!) });
      }
      return hits.sort((a, b) => b.similarity - a.similarity).slice(0, limit);
    },
  };
}

function float32Bytes(vector: Float32Array): Buffer {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4);
  return bytes;
}

/** Dot product of a query with a stored float32 vector (both unit length: their cosine). */
function dot(query: Float32Array, stored: Buffer): number {
  let sum = 0;
  for (let i = 0; i < query.length; i++) sum += query[i]! * stored.readFloatLE(i * 4);
  return sum;
}
