import Type from 'typebox';
import { createObjectStore, type ObjectStore } from './object-store.js';

/**
 * Object storage. S3_ENDPOINT unset means one machine: `npm start` runs an embedded S3-compatible server
 * and passes its address and keys on; compose points these at MinIO.
 */
export const StorageEnv = {
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  S3_ACCESS_KEY: Type.String({ minLength: 1, default: 'S3RVER' }),
  S3_SECRET_KEY: Type.String({ minLength: 1, default: 'S3RVER' }),
  S3_BUCKET: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', default: 'chatty' }),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
};

/** The loopback address `npm start` gives the embedded server unless EMBEDDED_S3_PORT says otherwise. */
export const EMBEDDED_S3_DEFAULT_PORT = 5090;

export function storageEndpoint(config: { S3_ENDPOINT?: string | undefined }): string {
  return config.S3_ENDPOINT ?? `http://127.0.0.1:${EMBEDDED_S3_DEFAULT_PORT}`;
}

/** The settings of StorageEnv, plus the largest object a service stores. */
export interface StorageConfig {
  S3_ENDPOINT?: string | undefined;
  S3_ACCESS_KEY: string;
  S3_SECRET_KEY: string;
  S3_BUCKET: string;
  S3_REGION: string;
  MAX_FILE_SIZE: number;
}

/** The object store a service's StorageEnv settings describe. */
export function objectStoreFrom(config: StorageConfig): ObjectStore {
  return createObjectStore({
    endpoint: storageEndpoint(config),
    accessKey: config.S3_ACCESS_KEY,
    secretKey: config.S3_SECRET_KEY,
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    maxObjectSize: config.MAX_FILE_SIZE,
  });
}
