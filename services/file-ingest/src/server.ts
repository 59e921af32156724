import { createLogger, describeStorage, objectStoreFrom, prepareDatabase, runService } from '@chatty/shared';
import { buildIngest } from './app.js';
import { loadIngestConfig } from './config.js';
import { ingestMigrationSet } from './db/migrations/index.js';
import { startWorker } from './start-worker.js';

const config = loadIngestConfig();
const logger = createLogger({ name: 'file-ingest', level: config.LOG_LEVEL, debug: config.DEBUG });
try {
  const db = await prepareDatabase(ingestMigrationSet, {
    url: config.DATABASE_URL,
    poolMax: config.DB_POOL_MAX,
    log: logger,
  });
  const store = objectStoreFrom(config);
  await store.ensureBucket();
  logger.info({ storage: describeStorage(config) }, 'object storage');
  const app = await buildIngest(config, { logger, db, store });
  if (config.INGEST_WORKER) await startWorker(app, config);
  app.addHook('onClose', () => db.destroy());
  await runService(app, { port: config.INGEST_PORT, host: config.INGEST_HOST, log: logger });
} catch (error) {
  logger.fatal({ err: error }, 'file-ingest failed to start');
  process.exit(1);
}
