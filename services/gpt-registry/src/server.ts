import { createLogger, describeStorage, objectStoreFrom, prepareDatabase, runService } from '@chatty/shared';
import { buildRegistry } from './app.js';
import { loadRegistryConfig } from './config.js';
import { registryMigrationSet } from './db/migrations/index.js';

const config = loadRegistryConfig();
const logger = createLogger({ name: 'gpt-registry', level: config.LOG_LEVEL, debug: config.DEBUG });
try {
  const db = await prepareDatabase(registryMigrationSet, {
    url: config.DATABASE_URL,
    poolMax: config.DB_POOL_MAX,
    log: logger,
  });
  // Made here too (file-ingest does the same), so the registry is ready without waiting for ingest to
  // create the bucket. Storage being down must not keep accounts and GPTs from being served: readiness
  // reports it, and uploads fail until it is back.
  const store = objectStoreFrom(config);
  await store.ensureBucket().catch((error: Error) => {
    logger.warn({ reason: error.message }, 'object storage bucket not ensured; retried by file-ingest');
  });
  logger.info({ storage: describeStorage(config) }, 'object storage');
  const app = await buildRegistry(config, { logger, db, store });
  app.addHook('onClose', () => db.destroy());
  await runService(app, { port: config.REGISTRY_PORT, host: config.REGISTRY_HOST, log: logger });
} catch (error) {
  logger.fatal({ err: error }, 'gpt-registry failed to start');
  process.exit(1);
}
