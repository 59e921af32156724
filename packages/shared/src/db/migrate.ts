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

/** The migrations a build knows that the database has not applied yet, in name order. */
export async function pendingMigrations(
  // biome-ignore lint/suspicious/noExplicitAny: a migrator works on any schema
  db: Kysely<any>,
  migrations: Record<string, Migration>,
  { table }: { table: string },
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
  });
  const known = await migrator.getMigrations();
  return known.filter((migration) => !migration.executedAt).map((migration) => migration.name);
}

export interface MigrationCommand {
  /** Applies the service's migrations (creating the database when missing); resolves when done. */
  migrate: () => Promise<void>;
  /** What the database still lacks for this build; throws while the database cannot be reached. */
  pending: () => Promise<string[]>;
  log: Logger;
  /** `--wait` in argv: apply nothing, wait until nothing is pending. */
  wait: boolean;
  pollMs?: number;
  /** How long `--wait` waits before giving up (an orchestrator restarts it). */
  timeoutMs?: number;
}

/**
 * A service's `migrate` program. Without `--wait` it applies the migrations and ends: an orchestrator
 * runs it once per release (the Kubernetes migrations Job) before the services roll. With `--wait` it
 * applies nothing and ends once the database has every migration this build knows: an init container
 * in front of each service, so a new version never starts on an old schema while the Job still runs.
 */
export async function runMigrationCommand({
  migrate,
  pending,
  log,
  wait,
  pollMs = 2000,
  timeoutMs = 10 * 60_000,
}: MigrationCommand): Promise<void> {
  if (!wait) {
    await migrate();
    log.info('migrations applied');
    return;
  }
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    let status: string;
    try {
      const missing = await pending();
      if (missing.length === 0) {
        log.info('the database has every migration of this build');
        return;
      }
      status = `waiting for migrations: ${missing.join(', ')}`;
    } catch (error) {
      status = `waiting for the database: ${(error as Error).message}`;
    }
    // Said once per change, not every poll.
    if (status !== last) log.info(status);
    last = status;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms ${status}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
