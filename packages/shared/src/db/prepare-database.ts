import { type Kysely, type Migration, sql } from 'kysely';
import type { Logger } from 'pino';
import { createDb, ensureDatabase } from './create-db.js';
import { migrateToLatest } from './migrate.js';

/** One service's migrations and where it records them; `DB` is the schema they make. */
// biome-ignore lint/correctness/noUnusedVariables: DB types the pool that prepareDatabase returns
export interface MigrationSet<DB = unknown> {
  /** The service that owns these tables (log lines, the migrate program's name). */
  service: string;
  /** Its history table; each service keeps its own. */
  table: string;
  migrations: Record<string, Migration>;
  /**
   * Tables another service's migrations create that these reference (file-ingest's chunks point at the
   * registry's files): on a fresh database, applying waits for them.
   */
  requires?: string[];
}

export interface DatabaseTarget {
  url: string;
  /** Connections the returned pool may open. */
  poolMax?: number;
  log: Logger;
}

/** How long applying waits for the tables another service creates (it starts alongside). */
const REQUIRED_TABLES_WAIT_MS = 60_000;

/**
 * Creates the database when missing and applies the set's pending migrations; safe for replicas
 * starting together. Returns a pool on the migrated database, which the caller destroys.
 */
export async function prepareDatabase<DB>(
  set: MigrationSet<DB>,
  { url, poolMax, log }: DatabaseTarget,
): Promise<Kysely<DB>> {
  if (await ensureDatabase(url)) log.info('database created');
  const db = createDb<DB>(url, { max: poolMax });
  try {
    await waitForRequiredTables(db, set, log);
    await migrateToLatest(db, set.migrations, { table: set.table, log });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

async function waitForRequiredTables<DB>(db: Kysely<DB>, set: MigrationSet, log: Logger): Promise<void> {
  const required = set.requires ?? [];
  if (required.length === 0) return;
  const deadline = Date.now() + REQUIRED_TABLES_WAIT_MS;
  for (;;) {
    const missing = await missingTables(db, required);
    if (missing.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`${missing.join(', ')} not created yet; is the service that owns them running?`);
    log.info({ missing }, 'waiting for the tables another service creates');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function missingTables<DB>(db: Kysely<DB>, names: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const name of names) {
    const { rows } = await sql<{ ok: boolean }>`select to_regclass(${name}) is not null as ok`.execute(db);
    if (!rows[0]?.ok) missing.push(name);
  }
  return missing;
}
