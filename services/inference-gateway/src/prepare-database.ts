import { createDb, ensureDatabase, type Logger, migrateToLatest } from '@chatty/shared';
import type { GatewayConfig } from './config.js';
import { GATEWAY_MIGRATION_TABLE, gatewayMigrations } from './db/migrations/index.js';
import type { GatewayDatabase } from './db/schema.js';

/** Creates the database when missing and applies the gateway's migrations; safe for replicas starting together. */
export async function prepareDatabase(config: GatewayConfig, log: Logger) {
  if (await ensureDatabase(config.DATABASE_URL)) log.info('database created');
  const db = createDb<GatewayDatabase>(config.DATABASE_URL, { max: config.DB_POOL_MAX });
  try {
    await migrateToLatest(db, gatewayMigrations, { table: GATEWAY_MIGRATION_TABLE, log });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
