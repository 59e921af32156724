import { createHash, randomBytes } from 'node:crypto';

/** A recognisable prefix lets secret scanners and people tell a Chatty key from a session token. */
const API_KEY_PREFIX = 'chatty_';

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Keys are stored only as this hash; a database leak does not leak usable keys. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function isApiKey(credential: string): boolean {
  return credential.startsWith(API_KEY_PREFIX);
}
