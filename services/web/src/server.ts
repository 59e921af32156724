import { createLogger, runService } from '@chatty/shared';
import { buildWeb } from './app.js';
import { loadWebConfig } from './config.js';

const config = loadWebConfig();
const logger = createLogger({ name: 'web', level: config.LOG_LEVEL, debug: config.DEBUG });
try {
  const app = await buildWeb(config, { logger });
  await runService(app, {
    port: config.PORT,
    host: config.HOST,
    ops: { port: config.OPS_PORT, host: config.OPS_HOST },
    log: logger,
  });
} catch (error) {
  logger.fatal({ err: error }, 'web failed to start');
  process.exit(1);
}
