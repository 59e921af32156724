import { createLogger, runService } from '@chatty/shared';
import { buildActionRunner } from './app.js';
import { loadActionRunnerConfig } from './config.js';

const config = loadActionRunnerConfig();
const logger = createLogger({ name: 'action-runner', level: config.LOG_LEVEL, debug: config.DEBUG });
try {
  const app = await buildActionRunner(config, { logger });
  await runService(app, { port: config.ACTION_RUNNER_PORT, host: config.ACTION_RUNNER_HOST, log: logger });
} catch (error) {
  logger.fatal({ err: error }, 'action-runner failed to start');
  process.exit(1);
}
