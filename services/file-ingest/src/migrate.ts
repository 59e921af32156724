import { runMigrateProgram } from '@chatty/shared';
import { loadIngestConfig } from './config.js';
import { ingestMigrationSet } from './db/migrations/index.js';

/** `node services/file-ingest/dist/migrate.js [--wait]`: applies file-ingest's migrations, or waits for them. */
await runMigrateProgram(ingestMigrationSet, loadIngestConfig());
