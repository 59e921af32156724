import { createLogger, runService } from '@chatty/shared';
import { buildRegistry } from './app.js';
import { loadRegistryConfig } from './config.js';
import { prepareDatabase } from './prepare-database.js';

const config = loadRegistryConfig();
const logger = createLogger({ name: 'gpt-registry', level: config.LOG_LEVEL, debug: config.DEBUG });
try {
  const db = await prepareDatabase(config, logger);
  const app = await buildRegistry(config, { logger, db });
  app.addHook('onClose', () => db.destroy());
  await runService(app, { port: config.REGISTRY_PORT, host: config.REGISTRY_HOST, log: logger });
} catch (error) {
  logger.fatal({ err: error }, 'gpt-registry failed to start');
  process.exit(1);
}
