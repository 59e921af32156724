import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveKey, resolveSecretKey } from '@chatty/shared';
import { describe, expect, it } from 'vitest';

describe('the secret key', () => {
  it('uses SECRET_KEY when set', () => {
    expect(resolveSecretKey('k'.repeat(40), '/nonexistent')).toBe('k'.repeat(40));
  });

  it('is generated once into the data directory, readable only by its owner, then reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatty-secret-'));
    const first = resolveSecretKey(undefined, join(dir, 'data'));
    const second = resolveSecretKey(undefined, join(dir, 'data'));
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
    expect(readFileSync(join(dir, 'data', 'secret.key'), 'utf8')).toBe(first);
    expect(statSync(join(dir, 'data', 'secret.key')).mode & 0o077).toBe(0);
  });

  it('derives a different key per purpose', () => {
    const a = deriveKey('master secret of some length', 'session-token');
    const b = deriveKey('master secret of some length', 'action-secrets');
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(false);
    expect(a.equals(deriveKey('master secret of some length', 'session-token'))).toBe(true);
  });
});
