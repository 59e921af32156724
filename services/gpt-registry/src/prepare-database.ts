import { createDb, ensureDatabase, type Logger, migrateToLatest } from '@chatty/shared';
import type { RegistryConfig } from './config.js';
import { REGISTRY_MIGRATION_TABLE, registryMigrations } from './db/migrations/index.js';
import type { RegistryDatabase } from './db/schema.js';

/** Creates the database when missing and applies pending migrations; safe for replicas starting together. */
export async function prepareDatabase(config: RegistryConfig, log: Logger) {
  if (await ensureDatabase(config.DATABASE_URL)) log.info('database created');
  const db = createDb<RegistryDatabase>(config.DATABASE_URL, { max: config.DB_POOL_MAX });
  try {
    await migrateToLatest(db, registryMigrations, { table: REGISTRY_MIGRATION_TABLE, log });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
