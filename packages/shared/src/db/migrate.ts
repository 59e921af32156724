import { type Kysely, type Migration, Migrator } from 'kysely';
import type { Logger } from 'pino';

/**
 * Applies a service's migrations in name order. Kysely's migrator takes a lock, so replicas starting
 * together apply each migration once. Each service keeps its own history table.
 */
export async function migrateToLatest(
  // biome-ignore lint/suspicious/noExplicitAny: a migrator works on any schema
  db: Kysely<any>,
  migrations: Record<string, Migration>,
  { table, log }: { table: string; log?: Logger },
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success') log?.info({ migration: result.migrationName }, 'migration applied');
    if (result.status === 'Error') log?.error({ migration: result.migrationName }, 'migration failed');
  }
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
