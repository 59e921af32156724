import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type ActionExecutor, createActionExecutor } from '../actions/execute-action.js';
import { scheduleRunRetention } from '../actions/run-retention.js';
import type { SecretKeys } from '../actions/secret-box.js';
import { actionSecretKeys } from '../auth/action-secret-keys.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The keyring that seals and opens actions' secret headers and parameters. */
    actionKey: SecretKeys;
    /** Runs a stored action through the action-runner and records the run. */
    executeAction: ActionExecutor;
  }
}

/** Actions: their secrets' keyring, their execution, and the pruning of old runs. */
export const actionsPlugin = fp(
  async (app: FastifyInstance, { secret }: { secret: string }) => {
    const { registryConfig: config, db } = app;
    const key = actionSecretKeys(config.ACTION_SECRETS_KEYS, secret);
    app.decorate('actionKey', key);
    app.decorate('executeAction', createActionExecutor({ db, key, runner: app.actionRunner }));
    const stopRetention = scheduleRunRetention(db, config.ACTION_RUN_RETENTION_DAYS, (error) =>
      app.log.warn({ err: error }, 'pruning old action runs failed; retried in an hour'),
    );
    app.addHook('onClose', async () => stopRetention());
  },
  { name: 'registry-actions', dependencies: ['registry-config', 'registry-db', 'registry-clients'] },
);
