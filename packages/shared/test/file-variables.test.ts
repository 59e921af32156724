import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  DatabaseEnv,
  LogEnv,
  loadConfig,
  RedisEnv,
  SecretEnv,
  StorageEnv,
} from '@chatty/shared';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';

const Schema = Type.Object({ ...DatabaseEnv, ...RedisEnv, ...SecretEnv, ...StorageEnv, ...LogEnv });

const dir = mkdtempSync(join(tmpdir(), 'chatty-secrets-'));
let files = 0;
/** A secret file, as Docker mounts one under /run/secrets. */
function secretFile(content: string): string {
  const path = join(dir, `secret-${files++}`);
  writeFileSync(path, content);
  return path;
}

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(Schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig with <KEY>_FILE', () => {
  it('reads each key from the file its _FILE variable names, without the trailing newline', () => {
    const secretKey = 'k'.repeat(48);
    const config = loadConfig(Schema, {
      SECRET_KEY_FILE: secretFile(`${secretKey}\n`),
      DATABASE_URL_FILE: secretFile('postgres://chatty:pg-pass@db:5432/chatty\r\n'),
      REDIS_URL_FILE: secretFile('redis://:redis-pass@cache:6379'),
      S3_SECRET_KEY_FILE: secretFile('minio secret with spaces \n\n'),
    });
    expect(config).toMatchObject({
      SECRET_KEY: secretKey,
      DATABASE_URL: 'postgres://chatty:pg-pass@db:5432/chatty',
      REDIS_URL: 'redis://:redis-pass@cache:6379',
      S3_SECRET_KEY: 'minio secret with spaces ',
    });
  });

  it('refuses a key set both ways, naming both variables', () => {
    const error = configError({ SECRET_KEY: 'k'.repeat(40), SECRET_KEY_FILE: secretFile('f'.repeat(40)) });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/SECRET_KEY_FILE\b.*\bSECRET_KEY\b/);
  });

  it('treats an empty variable as unset, on either side', () => {
    expect(
      loadConfig(Schema, { SECRET_KEY: '', SECRET_KEY_FILE: secretFile('f'.repeat(40)) }).SECRET_KEY,
    ).toBe('f'.repeat(40));
    expect(loadConfig(Schema, { SECRET_KEY: 'k'.repeat(40), SECRET_KEY_FILE: '' }).SECRET_KEY).toBe(
      'k'.repeat(40),
    );
  });

  it('names the key and the path of a file it cannot read, and never what a file holds', () => {
    const missing = join(dir, 'no-such-secret');
    const huge = secretFile(`hunter2-${'x'.repeat(70_000)}`);
    const error = configError({ SECRET_KEY_FILE: missing, DATABASE_URL_FILE: dir, REDIS_URL_FILE: huge });
    expect(error.problems).toEqual([
      `DATABASE_URL_FILE: cannot read ${dir} (EISDIR)`,
      `REDIS_URL_FILE: cannot read ${huge} (larger than 65536 bytes)`,
      `SECRET_KEY_FILE: cannot read ${missing} (ENOENT)`,
    ]);
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses an empty file rather than falling back to a default or a generated key', () => {
    const empty = secretFile('\n');
    expect(configError({ SECRET_KEY_FILE: empty }).problems).toEqual([`SECRET_KEY_FILE: ${empty} is empty`]);
  });

  it('reports an invalid value read from a file by key and source, without echoing it', () => {
    const error = configError({
      SECRET_KEY_FILE: secretFile('short-hunter2\n'),
      DATABASE_URL_FILE: secretFile('mysql://root:hunter2@db/chatty'),
    });
    const keys = error.problems.map((problem) => problem.split(':')[0]);
    expect(keys).toEqual(
      expect.arrayContaining(['SECRET_KEY (from SECRET_KEY_FILE)', 'DATABASE_URL (from DATABASE_URL_FILE)']),
    );
    expect(error.message).not.toContain('hunter2');
  });

  it('reads only the _FILE variables of keys the schema declares', () => {
    const config = loadConfig(Schema, { UNRELATED_FILE: join(dir, 'never-read') });
    expect(config).not.toHaveProperty('UNRELATED');
  });
});
