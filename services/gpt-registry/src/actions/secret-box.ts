import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The key derived from SECRET_KEY: the only key before keys had versions. */
export const DERIVED_KEY_ID = '0';

/**
 * The keys for action secrets: `current` seals every new value; every key in `keys` (the current one
 * included) opens the values sealed under it. Rotation adds a new current key, seals everything again
 * (rotate-action-secrets), then drops the old key.
 */
export interface SecretKeyring {
  current: { id: string; key: Buffer };
  keys: ReadonlyMap<string, Buffer>;
}

/** A keyring, or a single key (the derived one, id `0`). */
export type SecretKeys = Buffer | SecretKeyring;

function keyringOf(keys: SecretKeys): SecretKeyring {
  if (!Buffer.isBuffer(keys)) return keys;
  return { current: { id: DERIVED_KEY_ID, key: keys }, keys: new Map([[DERIVED_KEY_ID, keys]]) };
}

export class SecretDecryptionError extends Error {
  constructor() {
    super('Stored secrets could not be decrypted (wrong key, or the stored value was altered)');
    this.name = 'SecretDecryptionError';
  }
}

/**
 * AES-256-GCM with a fresh IV per write. `context` (the action's id and the origin its secrets are for)
 * is bound in as additional authenticated data, so a ciphertext copied onto another action, or left
 * behind when the action's URL is pointed elsewhere, fails to decrypt like a tampered one.
 * Stored as `v3:<key id>:<base64url(iv | tag | ciphertext)>`. Earlier forms still open: `v2:` (the
 * derived key, the same context) and `v1:` (the derived key, bound to `legacyContext` only).
 */
export function encryptSecret(keys: SecretKeys, plaintext: string, context: string): string {
  const { current } = keyringOf(keys);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', current.key, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v3:${current.id}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
}

/** The id of the key a stored value was sealed with, or null when it is not a sealed value. */
export function keyIdOf(stored: string): string | null {
  const parts = stored.split(':');
  if (parts[0] === 'v3' && parts.length === 3) return parts[1]!;
  return parts[0] === 'v1' || parts[0] === 'v2' ? DERIVED_KEY_ID : null;
}

export function decryptSecret(
  keys: SecretKeys,
  stored: string,
  context: string,
  legacyContext = context,
): string {
  const parts = stored.split(':');
  const keyId = keyIdOf(stored);
  const payload = parts.at(-1);
  const key = keyId === null ? undefined : keyringOf(keys).keys.get(keyId);
  if (!key || !payload) throw new SecretDecryptionError();
  const raw = Buffer.from(payload, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretDecryptionError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(parts[0] === 'v1' ? legacyContext : context));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SecretDecryptionError();
  }
}
