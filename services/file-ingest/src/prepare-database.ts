import { createDb, ensureDatabase, type Logger, migrateToLatest } from '@chatty/shared';
import { sql } from 'kysely';
import type { IngestConfig } from './config.js';
import { INGEST_MIGRATION_TABLE, ingestMigrations } from './db/migrations/index.js';
import type { IngestDatabase } from './db/schema.js';

const REGISTRY_WAIT_MS = 60_000;

/**
 * Creates the database when missing and applies file-ingest's migrations. They reference the
 * registry's tables, so on a fresh database this waits for the registry (starting alongside) to
 * create them first.
 */
export async function prepareDatabase(config: IngestConfig, log: Logger) {
  if (await ensureDatabase(config.DATABASE_URL)) log.info('database created');
  const db = createDb<IngestDatabase>(config.DATABASE_URL, { max: config.DB_POOL_MAX });
  try {
    const deadline = Date.now() + REGISTRY_WAIT_MS;
    while (!(await registryTablesExist(db))) {
      if (Date.now() > deadline)
        throw new Error('the registry has not created gpt_file; is gpt-registry running?');
      log.info('waiting for the registry to create its tables');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await migrateToLatest(db, ingestMigrations, { table: INGEST_MIGRATION_TABLE, log });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

async function registryTablesExist(db: ReturnType<typeof createDb<IngestDatabase>>): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`select to_regclass('gpt_file') is not null as ok`.execute(db);
  return rows[0]?.ok ?? false;
}
