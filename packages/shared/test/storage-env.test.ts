import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, describeStorage, loadConfig, objectStoreFrom, StorageEnv } from '@chatty/shared';
import { startTestS3 } from '@chatty/testkit';
import Type from 'typebox';
import { afterAll, describe, expect, it } from 'vitest';

const Schema = Type.Object({ ...StorageEnv, MAX_FILE_SIZE: Type.Integer({ default: 1024 }) });
const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe('objectStoreFrom', () => {
  it('keeps objects as files under DATA_DIR when S3_ENDPOINT is unset, with no credential needed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chatty-data-'));
    directories.push(dataDir);
    const config = loadConfig(Schema, { DATA_DIR: dataDir });
    expect(config).not.toHaveProperty('S3_ACCESS_KEY');
    const store = objectStoreFrom(config);
    await store.ensureBucket();
    await store.put('u/g/f/original', 'hi', 2, 'text/plain');
    expect(existsSync(join(dataDir, 'objects', 'chatty', 'u', 'g', 'f', 'original'))).toBe(true);
    expect(describeStorage(config)).toBe(`files under ${join(dataDir, 'objects', 'chatty')}`);
  });

  it('uses S3 when S3_ENDPOINT is set', async () => {
    const s3 = await startTestS3();
    try {
      const config = loadConfig(Schema, s3.env);
      const store = objectStoreFrom(config);
      await store.put('k/1', 'hi', 2, 'text/plain');
      expect((await s3.store.getBuffer('k/1')).toString()).toBe('hi');
      expect(describeStorage(config)).toBe(`S3 bucket ${s3.bucket} at ${s3.endpoint}`);
    } finally {
      await s3.close();
    }
  });

  it('requires both keys with S3_ENDPOINT, naming each missing one', () => {
    const config = loadConfig(Schema, { S3_ENDPOINT: 'http://minio:9000' });
    const error = (() => {
      try {
        objectStoreFrom(config);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'S3_ACCESS_KEY: required when S3_ENDPOINT is set',
      'S3_SECRET_KEY: required when S3_ENDPOINT is set',
    ]);
  });
});
