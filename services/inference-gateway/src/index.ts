export { buildGateway, type GatewayApp, type GatewayOverrides } from './app.js';
export { type GatewayConfig, GatewayEnv, loadGatewayConfig } from './config.js';
export { GATEWAY_MIGRATION_TABLE, gatewayMigrationSet, gatewayMigrations } from './db/migrations/index.js';
