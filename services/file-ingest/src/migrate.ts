import { createDb, createLogger, pendingMigrations, runMigrationCommand } from '@chatty/shared';
import { loadIngestConfig } from './config.js';
import { INGEST_MIGRATION_TABLE, ingestMigrations } from './db/migrations/index.js';
import { prepareDatabase } from './prepare-database.js';

/**
 * `node services/file-ingest/dist/migrate.js`: applies file-ingest's migrations and ends (the migrations Job of a
 * release). With `--wait`: ends once they are applied, applying nothing (the init container that holds
 * each new pod of the service until the Job is done). infra/k8s/ runs both.
 */
const config = loadIngestConfig();
const log = createLogger({ name: 'file-ingest-migrate', level: config.LOG_LEVEL, debug: config.DEBUG });
try {
  await runMigrationCommand({
    wait: process.argv.includes('--wait'),
    log,
    migrate: async () => (await prepareDatabase(config, log)).destroy(),
    pending: async () => {
      const db = createDb(config.DATABASE_URL, { max: 1 });
      try {
        return await pendingMigrations(db, ingestMigrations, { table: INGEST_MIGRATION_TABLE });
      } finally {
        await db.destroy();
      }
    },
  });
} catch (error) {
  log.fatal({ err: error }, 'file-ingest migrations failed');
  process.exit(1);
}
