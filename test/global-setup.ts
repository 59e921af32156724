import { INGEST_MIGRATION_TABLE, ingestMigrations } from '@chatty/file-ingest';
import { REGISTRY_MIGRATION_TABLE, registryMigrations } from '@chatty/gpt-registry';
import { GATEWAY_MIGRATION_TABLE, gatewayMigrations } from '@chatty/inference-gateway';
import { createDb, migrateToLatest } from '@chatty/shared';
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  dropStaleTestDatabases,
  testDatabaseName,
} from '@chatty/testkit';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

/** Migrates one template database per run; each test file clones it (see cloneTestDatabase). */
export default async function setup(project: TestProject) {
  await dropStaleTestDatabases();
  const template = testDatabaseName('template');
  await createDatabase(template);
  const db = createDb(databaseUrl(template), { max: 1 });
  try {
    await migrateToLatest(db, registryMigrations, { table: REGISTRY_MIGRATION_TABLE });
    // file-ingest's tables reference the registry's, so its migrations come after.
    await migrateToLatest(db, ingestMigrations, { table: INGEST_MIGRATION_TABLE });
    await migrateToLatest(db, gatewayMigrations, { table: GATEWAY_MIGRATION_TABLE });
  } finally {
    await db.destroy();
  }
  project.provide('templateDatabase', template);
  return async () => dropDatabase(template);
}
