import { runMigrateProgram } from '@chatty/shared';
import { loadRegistryConfig } from './config.js';
import { registryMigrationSet } from './db/migrations/index.js';

/** `node services/gpt-registry/dist/migrate.js [--wait]`: applies gpt-registry's migrations, or waits for them. */
await runMigrateProgram(registryMigrationSet, loadRegistryConfig());
