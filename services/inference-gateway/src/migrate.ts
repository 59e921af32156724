import { runMigrateProgram } from '@chatty/shared';
import { loadGatewayConfig } from './config.js';
import { gatewayMigrationSet } from './db/migrations/index.js';

/** `node services/inference-gateway/dist/migrate.js [--wait]`: applies inference-gateway's migrations, or waits for them. */
await runMigrateProgram(gatewayMigrationSet, loadGatewayConfig());
