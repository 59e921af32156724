import { createLogger } from '../logger.js';
import { createDb } from './create-db.js';
import { pendingMigrations, runMigrationCommand } from './migrate.js';
import { type MigrationSet, prepareDatabase } from './prepare-database.js';

export interface MigrateProgramConfig {
  DATABASE_URL: string;
  DB_POOL_MAX?: number;
  LOG_LEVEL: string;
  DEBUG?: string | undefined;
}

/**
 * A service's `dist/migrate.js`: applies its migrations and ends (the migrations Job of a release).
 * With `--wait`: ends once they are applied, applying nothing (the init container that holds each new
 * pod of the service until the Job is done). infra/k8s/ runs both; compose runs it before the service.
 */
export async function runMigrateProgram(
  set: MigrationSet,
  config: MigrateProgramConfig,
  argv: string[] = process.argv.slice(2),
): Promise<void> {
  const log = createLogger({ name: `${set.service}-migrate`, level: config.LOG_LEVEL, debug: config.DEBUG });
  try {
    await runMigrationCommand({
      wait: argv.includes('--wait'),
      log,
      migrate: async () =>
        (
          await prepareDatabase(set, { url: config.DATABASE_URL, poolMax: config.DB_POOL_MAX, log })
        ).destroy(),
      pending: async () => {
        const db = createDb(config.DATABASE_URL, { max: 1 });
        try {
          return await pendingMigrations(db, set.migrations, { table: set.table });
        } finally {
          await db.destroy();
        }
      },
    });
  } catch (error) {
    log.fatal({ err: error }, `${set.service} migrations failed`);
    process.exit(1);
  }
}
