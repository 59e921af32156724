import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  dropStaleTestDatabases,
  testDatabaseName,
} from '@chatty/testkit';
import type { TestProject } from 'vitest/node';
import { migrateAll } from './migrated-database.js';

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
  await migrateAll(databaseUrl(template));
  project.provide('templateDatabase', template);
  return async () => dropDatabase(template);
}
