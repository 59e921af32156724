import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** `v2` binds the context the caller gives; `v1` values, written before, open with its legacy context. */
const VERSION = 'v2';
const LEGACY_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

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
 * Stored as `v2:<base64url(iv | tag | ciphertext)>`.
 */
export function encryptSecret(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
}

/** `legacyContext`: what `v1` values were bound to (the action's id alone, before origins were). */
export function decryptSecret(key: Buffer, stored: string, context: string, legacyContext = context): string {
  const [version, payload] = stored.split(':');
  if ((version !== VERSION && version !== LEGACY_VERSION) || !payload) throw new SecretDecryptionError();
  if (version === LEGACY_VERSION) context = legacyContext;
  const raw = Buffer.from(payload, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretDecryptionError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SecretDecryptionError();
  }
}
