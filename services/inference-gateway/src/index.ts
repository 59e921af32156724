export { buildGateway, type GatewayApp, type GatewayOverrides } from './app.js';
export { type GatewayConfig, GatewayEnv, loadGatewayConfig } from './config.js';
export { GATEWAY_MIGRATION_TABLE, gatewayMigrations } from './db/migrations/index.js';
export { prepareDatabase } from './prepare-database.js';
