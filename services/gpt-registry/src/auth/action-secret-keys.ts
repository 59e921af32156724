import { deriveKey } from '@chatty/shared';
import { DERIVED_KEY_ID, type SecretKeyring } from '../actions/secret-box.js';

/**
 * The keyring of action secrets from ACTION_SECRETS_KEYS (`id:key,id:key`, the first current), plus
 * the key derived from SECRET_KEY (id `0`), which seals new values only when no key is configured and
 * otherwise still opens values written before keys were configured. Each configured key is stretched
 * through HKDF, so any 32+ character text makes a 256-bit key.
 */
export function actionSecretKeys(configured: string | undefined, secret: string): SecretKeyring {
  const derived = deriveKey(secret, 'action-secrets');
  const keys = new Map<string, Buffer>([[DERIVED_KEY_ID, derived]]);
  if (!configured) return { current: { id: DERIVED_KEY_ID, key: derived }, keys };
  const entries = configured.split(',').map((entry) => {
    const at = entry.indexOf(':');
    return { id: entry.slice(0, at), key: deriveKey(entry.slice(at + 1), 'action-secrets') };
  });
  for (const { id, key } of entries) keys.set(id, key);
  return { current: entries[0]!, keys };
}
