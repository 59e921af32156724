import { join } from 'node:path';
import Type from 'typebox';
import { ConfigError } from '../config/load-config.js';
import { createFileObjectStore } from './file-object-store.js';
import type { ObjectStore } from './object-store.js';
import { createS3ObjectStore } from './s3-object-store.js';

/**
 * Object storage. S3_ENDPOINT unset means one machine: objects are files under DATA_DIR/objects/<bucket>,
 * shared by every process of that machine, with no server to run. S3_ENDPOINT set (MinIO in compose)
 * means S3, and then both keys are required: there is no default credential.
 */
export const StorageEnv = {
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  S3_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  S3_SECRET_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** The bucket on S3, or the directory under DATA_DIR/objects. */
  S3_BUCKET: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', default: 'chatty' }),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
  /** The same key as SecretEnv's, so a service spreading both reads one value. */
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
};

/** The settings of StorageEnv, plus the largest object a service stores. */
export interface StorageConfig {
  S3_ENDPOINT?: string | undefined;
  S3_ACCESS_KEY?: string | undefined;
  S3_SECRET_KEY?: string | undefined;
  S3_BUCKET: string;
  S3_REGION: string;
  DATA_DIR: string;
  MAX_FILE_SIZE: number;
}

/** Where objects go, for a start-up log line: never a credential. */
export function describeStorage(config: StorageConfig): string {
  return config.S3_ENDPOINT
    ? `S3 bucket ${config.S3_BUCKET} at ${config.S3_ENDPOINT}`
    : `files under ${join(config.DATA_DIR, 'objects', config.S3_BUCKET)}`;
}

/** The object store a service's StorageEnv settings describe. */
export function objectStoreFrom(config: StorageConfig): ObjectStore {
  if (!config.S3_ENDPOINT) {
    return createFileObjectStore({ directory: join(config.DATA_DIR, 'objects'), bucket: config.S3_BUCKET });
  }
  // loadConfig checks keys one by one; this pair is required only together with S3_ENDPOINT.
  const missing = (['S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const).filter((key) => !config[key]);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((key) => `${key}: required when S3_ENDPOINT is set`));
  }
  return createS3ObjectStore({
    endpoint: config.S3_ENDPOINT,
    accessKey: config.S3_ACCESS_KEY!,
    secretKey: config.S3_SECRET_KEY!,
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    maxObjectSize: config.MAX_FILE_SIZE,
  });
}
