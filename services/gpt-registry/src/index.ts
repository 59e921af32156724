export { buildRegistry, type RegistryApp, type RegistryOverrides } from './app.js';
export { loadRegistryConfig, type RegistryConfig, RegistryEnv } from './config.js';
export { REGISTRY_MIGRATION_TABLE, registryMigrations } from './db/migrations/index.js';
export { prepareDatabase } from './prepare-database.js';
