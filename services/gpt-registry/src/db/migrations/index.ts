import type { Migration } from 'kysely';
import * as usersAndKeys from './2026_11_25_0001_users_and_keys.js';
import * as gpts from './2026_11_25_0002_gpts.js';

/** Every registry migration by name; names sort in the order they apply. */
export const registryMigrations: Record<string, Migration> = {
  '2026_11_25_0001_users_and_keys': usersAndKeys,
  '2026_11_25_0002_gpts': gpts,
};

export const REGISTRY_MIGRATION_TABLE = 'registry_migration';
