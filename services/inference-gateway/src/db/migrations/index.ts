import type { MigrationSet } from '@chatty/shared';
import type { Migration } from 'kysely';
import type { GatewayDatabase } from '../schema.js';
import * as chat from './2026_11_25_0001_chat.js';
import * as modelUsage from './2026_12_02_0301_model_usage.js';
import * as webSearches from './2026_12_02_0302_web_searches.js';

/** Every gateway migration by name; names sort in the order they apply. */
export const gatewayMigrations: Record<string, Migration> = {
  '2026_11_25_0001_chat': chat,
  '2026_12_02_0301_model_usage': modelUsage,
  '2026_12_02_0302_web_searches': webSearches,
};

export const GATEWAY_MIGRATION_TABLE = 'gateway_migration';

/** What prepareDatabase and the migrate program apply for inference-gateway. */
export const gatewayMigrationSet: MigrationSet<GatewayDatabase> = {
  service: 'inference-gateway',
  table: GATEWAY_MIGRATION_TABLE,
  migrations: gatewayMigrations,
};
