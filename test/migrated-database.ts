import { INGEST_MIGRATION_TABLE, ingestMigrations } from '@chatty/file-ingest';
import { REGISTRY_MIGRATION_TABLE, registryMigrations } from '@chatty/gpt-registry';
import { GATEWAY_MIGRATION_TABLE, gatewayMigrations } from '@chatty/inference-gateway';
import { createDb, migrateToLatest } from '@chatty/shared';
import { type PrivatePostgres, startPrivatePostgres } from '@chatty/testkit';

/** Every service's migrations, as one deployment's database has them. */
export async function migrateAll(url: string): Promise<void> {
  const db = createDb(url, { max: 1 });
  try {
    await migrateToLatest(db, registryMigrations, { table: REGISTRY_MIGRATION_TABLE });
    // file-ingest's tables reference the registry's, so its migrations come after.
    await migrateToLatest(db, ingestMigrations, { table: INGEST_MIGRATION_TABLE });
    await migrateToLatest(db, gatewayMigrations, { table: GATEWAY_MIGRATION_TABLE });
  } finally {
    await db.destroy();
  }
}

/** A Postgres server of the test's own (startPrivatePostgres) with a migrated database `chatty`. */
export async function startMigratedPostgres(): Promise<PrivatePostgres & { databaseUrl: string }> {
  const postgres = await startPrivatePostgres();
  try {
    await postgres.createDatabase('chatty');
    await migrateAll(postgres.url('chatty'));
  } catch (error) {
    await postgres.destroy();
    throw error;
  }
  return Object.assign(postgres, { databaseUrl: postgres.url('chatty') });
}
