import { createLogger, prepareDatabase, runService } from '@chatty/shared';
import { buildGateway } from './app.js';
import { loadGatewayConfig } from './config.js';
import { gatewayMigrationSet } from './db/migrations/index.js';

const config = loadGatewayConfig();
const logger = createLogger({ name: 'inference-gateway', level: config.LOG_LEVEL, debug: config.DEBUG });
try {
  const db = await prepareDatabase(gatewayMigrationSet, {
    url: config.DATABASE_URL,
    poolMax: config.DB_POOL_MAX,
    log: logger,
  });
  const app = await buildGateway(config, { logger, db });
  app.addHook('onClose', () => db.destroy());
  await runService(app, { port: config.GATEWAY_PORT, host: config.GATEWAY_HOST, log: logger });
} catch (error) {
  logger.fatal({ err: error }, 'inference-gateway failed to start');
  process.exit(1);
}
