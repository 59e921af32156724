import {
  createLogger,
  createServiceApp,
  type Logger,
  resolveSecretKey,
  serverLimitsOf,
  serviceToken,
  serviceTokenPlugin,
} from '@chatty/shared';
import type { ActionRunnerConfig } from './config.js';
import type { Resolver } from './egress/resolver.js';
import { egressPlugin } from './plugins/egress.plugin.js';
import { runnerRoutes } from './routes/index.js';

export interface ActionRunnerOverrides {
  logger?: Logger;
  /** How names are resolved; tests make names resolve to loopback, or differently on each call. */
  resolver?: Resolver;
}

/** A ready action-runner; it never listens (server.ts does). It holds no data-store credentials. */
export async function buildActionRunner(config: ActionRunnerConfig, overrides: ActionRunnerOverrides = {}) {
  const logger =
    overrides.logger ?? createLogger({ name: 'action-runner', level: config.LOG_LEVEL, debug: config.DEBUG });
  // Its own credential, not the master secret: a compromised runner can neither sign sessions nor
  // open another service's internal routes or the stored action secrets.
  const token =
    config.ACTION_RUNNER_TOKEN ??
    serviceToken(resolveSecretKey(config.SECRET_KEY, config.DATA_DIR), 'action-runner');
  const app = await createServiceApp({ service: 'action-runner', logger, limits: serverLimitsOf(config) });
  // What the route reaches through `app` (src/plugins/); the route names the plugins it needs.
  await app.register(egressPlugin, { config, resolver: overrides.resolver });
  await app.register(serviceTokenPlugin, { token });
  await app.register(runnerRoutes);
  return app;
}

export type ActionRunnerApp = Awaited<ReturnType<typeof buildActionRunner>>;
