// One-shot: seals every stored action secret again under the first key of ACTION_SECRETS_KEYS, so the
// keys after it can be removed. docs/security.md, "Rotating the key of action secrets".
import { createDb, createLogger, resolveSecretKey } from '@chatty/shared';
import { rotateActionSecrets } from './actions/rotate-secrets.js';
import { actionSecretKeys } from './auth/action-secret-keys.js';
import { loadRegistryConfig } from './config.js';
import type { RegistryDatabase } from './db/schema.js';

const config = loadRegistryConfig();
const log = createLogger({ name: 'rotate-action-secrets', level: config.LOG_LEVEL, debug: config.DEBUG });
const db = createDb<RegistryDatabase>(config.DATABASE_URL, { max: 2 });
try {
  const keyring = actionSecretKeys(
    config.ACTION_SECRETS_KEYS,
    resolveSecretKey(config.SECRET_KEY, config.DATA_DIR),
  );
  const report = await rotateActionSecrets(db, keyring, log);
  log.info({ currentKey: keyring.current.id, ...report }, 'action secrets sealed under the current key');
  if (report.unreadable.length > 0) process.exitCode = 1;
} catch (error) {
  log.fatal({ err: error }, 'rotating action secrets failed');
  process.exitCode = 1;
} finally {
  await db.destroy();
}
