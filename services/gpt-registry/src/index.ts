export { rotateActionSecrets } from './actions/rotate-secrets.js';
export { buildRegistry, type RegistryApp, type RegistryOverrides } from './app.js';
export { actionSecretKeys } from './auth/action-secret-keys.js';
export { loadRegistryConfig, type RegistryConfig, RegistryEnv } from './config.js';
export { REGISTRY_MIGRATION_TABLE, registryMigrationSet, registryMigrations } from './db/migrations/index.js';
