import { createDb, createLogger, pendingMigrations, runMigrationCommand } from '@chatty/shared';
import { loadRegistryConfig } from './config.js';
import { REGISTRY_MIGRATION_TABLE, registryMigrations } from './db/migrations/index.js';
import { prepareDatabase } from './prepare-database.js';

/**
 * `node services/gpt-registry/dist/migrate.js`: applies the registry's migrations and ends (the migrations Job of a
 * release). With `--wait`: ends once they are applied, applying nothing (the init container that holds
 * each new pod of the service until the Job is done). infra/k8s/ runs both.
 */
const config = loadRegistryConfig();
const log = createLogger({ name: 'gpt-registry-migrate', level: config.LOG_LEVEL, debug: config.DEBUG });
try {
  await runMigrationCommand({
    wait: process.argv.includes('--wait'),
    log,
    migrate: async () => (await prepareDatabase(config, log)).destroy(),
    pending: async () => {
      const db = createDb(config.DATABASE_URL, { max: 1 });
      try {
        return await pendingMigrations(db, registryMigrations, { table: REGISTRY_MIGRATION_TABLE });
      } finally {
        await db.destroy();
      }
    },
  });
} catch (error) {
  log.fatal({ err: error }, 'gpt-registry migrations failed');
  process.exit(1);
}
