import { createDb, pendingMigrations, prepareDatabase, runMigrationCommand } from '@chatty/shared';
import { captureLogs, databaseUrl, dropDatabase, testDatabaseName } from '@chatty/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRegistryConfig } from '../../src/config.js';
import {
  REGISTRY_MIGRATION_TABLE,
  registryMigrationSet,
  registryMigrations,
} from '../../src/db/migrations/index.js';

/*
 * The migrate program's two modes (src/migrate.ts), as the Kubernetes manifests use them: the Job
 * applies, and each new pod's init container waits until the database has every migration, on a
 * database that does not even exist when the waiting starts.
 */

const names: string[] = [];
afterAll(async () => {
  for (const name of names) await dropDatabase(name);
});

function freshDatabase() {
  const name = testDatabaseName('migrate');
  names.push(name);
  const config = loadRegistryConfig({ DATABASE_URL: databaseUrl(name), LOG_LEVEL: 'silent' });
  const pending = async () => {
    const db = createDb(config.DATABASE_URL, { max: 1 });
    try {
      return await pendingMigrations(db, registryMigrations, { table: REGISTRY_MIGRATION_TABLE });
    } finally {
      await db.destroy();
    }
  };
  return { config, pending };
}

describe('the migrate program', () => {
  it('--wait holds until the Job has migrated, through a database that does not exist yet', async () => {
    const { config, pending } = freshDatabase();
    const waiting = captureLogs('waiting');
    const applying = captureLogs('applying');
    let done = false;
    const gate = runMigrationCommand({
      wait: true,
      log: waiting.logger,
      pollMs: 50,
      timeoutMs: 30_000,
      migrate: () => Promise.reject(new Error('--wait must not migrate')),
      pending,
    }).then(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(done).toBe(false);
    expect(waiting.text()).toContain('waiting for the database');

    await runMigrationCommand({
      wait: false,
      log: applying.logger,
      migrate: async () =>
        (
          await prepareDatabase(registryMigrationSet, { url: config.DATABASE_URL, log: applying.logger })
        ).destroy(),
      pending,
    });
    await gate;
    expect(done).toBe(true);
    expect(await pending()).toEqual([]);
    expect(applying.text()).toContain('migrations applied');
    expect(waiting.text()).toContain('the database has every migration of this build');
  });

  it('--wait names the missing migrations, and gives up after its deadline', async () => {
    const { config, pending } = freshDatabase();
    // The database exists but is not migrated: every migration of the build is pending.
    await (
      await prepareDatabase(registryMigrationSet, { url: config.DATABASE_URL, log: captureLogs().logger })
    ).destroy();
    const db = createDb(config.DATABASE_URL, { max: 1 });
    await db.schema.dropTable(REGISTRY_MIGRATION_TABLE).execute();
    await db.destroy();
    const all = Object.keys(registryMigrations).sort();
    expect(await pending()).toEqual(all);

    const log = captureLogs();
    await expect(
      runMigrationCommand({
        wait: true,
        log: log.logger,
        pollMs: 50,
        timeoutMs: 300,
        migrate: () => Promise.reject(new Error('--wait must not migrate')),
        pending,
      }),
    ).rejects.toThrow(`waiting for migrations: ${all.join(', ')}`);
    // One line per change of state, not one per poll.
    expect(log.lines.filter((line) => String(line.msg).startsWith('waiting for migrations'))).toHaveLength(1);
  });
});
