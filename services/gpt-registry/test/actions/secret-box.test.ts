import { deriveKey } from '@chatty/shared';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, SecretDecryptionError } from '../../src/actions/secret-box.js';

const key = deriveKey('test-secret-key-that-is-long-enough-0123456789', 'action-secrets');

describe('secret box (AES-256-GCM)', () => {
  it('round-trips, with a fresh IV each time', () => {
    const first = encryptSecret(key, 'Bearer abc', 'action-1');
    const second = encryptSecret(key, 'Bearer abc', 'action-1');
    expect(first).not.toBe(second);
    expect(first).not.toContain('Bearer');
    expect(decryptSecret(key, first, 'action-1')).toBe('Bearer abc');
  });

  it('fails on a tampered ciphertext, tag or IV', () => {
    const sealed = encryptSecret(key, 'Bearer abc', 'action-1');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    for (const offset of [0, 12, raw.length - 1]) {
      const tampered = Buffer.from(raw);
      tampered[offset]! ^= 0x01;
      expect(() => decryptSecret(key, `v1:${tampered.toString('base64url')}`, 'action-1')).toThrow(
        SecretDecryptionError,
      );
    }
  });

  it('fails under another key or on another action', () => {
    const sealed = encryptSecret(key, 'Bearer abc', 'action-1');
    const otherKey = deriveKey('another-secret-key-that-is-long-enough-000000', 'action-secrets');
    expect(() => decryptSecret(otherKey, sealed, 'action-1')).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(key, sealed, 'action-2')).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(key, 'garbage', 'action-1')).toThrow(SecretDecryptionError);
  });
});
