import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { isUniqueViolation } from './pg-errors.js';
import { preparingPool } from './prepared-statements.js';

// int8 (counts, sums) as numbers: every value Chatty counts stays far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export function createDb<DB>(url: string, { max = 10 }: { max?: number } = {}): Kysely<DB> {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 });
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on('error', () => {});
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
}

/** Creates the database named in `url` when it does not exist (first start, a fresh test run). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new Error('DATABASE_URL names no database');
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    return true;
  } catch (error) {
    // Another process created it between our check and our CREATE (42P04), or at the same moment
    // (23505: both inserts into pg_database raced).
    if ((error as { code?: string }).code === '42P04' || isUniqueViolation(error)) return false;
    throw error;
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A readiness check: the database answers a trivial query. */
export function pingDatabase<DB>(db: Kysely<DB>): () => Promise<void> {
  return async () => {
    await sql`select 1`.execute(db);
  };
}
