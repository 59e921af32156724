import type { Readable } from 'node:stream';
import { Client } from 'minio';

export interface ObjectStoreOptions {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region?: string;
  /** The largest object put in one PUT; uploads up to this size never use multipart. */
  maxObjectSize?: number;
}

const MIB = 1024 * 1024;

/**
 * The one way Chatty reaches S3 (MinIO in compose, the embedded server on one machine). Keys are built
 * by the callers from ids only; user-supplied names never become part of a key.
 */
export function createObjectStore(options: ObjectStoreOptions) {
  const url = new URL(options.endpoint);
  const client = new Client({
    endPoint: url.hostname,
    port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
    useSSL: url.protocol === 'https:',
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    region: options.region ?? 'us-east-1',
    pathStyle: true,
    // Known-size puts below partSize are one PUT: the embedded server has no multipart listing.
    partSize: Math.max(64 * MIB, Math.ceil((options.maxObjectSize ?? 0) / MIB) * MIB),
  });
  const bucket = options.bucket;

  return {
    bucket,
    client,
    async ensureBucket(): Promise<void> {
      if (await client.bucketExists(bucket)) return;
      try {
        await client.makeBucket(bucket, options.region ?? 'us-east-1');
      } catch (error) {
        // Another replica made it first.
        const code = (error as { code?: string }).code;
        if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
      }
    },
    async ping(): Promise<void> {
      if (!(await client.bucketExists(bucket))) throw new Error(`bucket ${bucket} does not exist`);
    },
    async put(key: string, body: Buffer | string | Readable, size: number, contentType: string) {
      await client.putObject(bucket, key, body, size, { 'Content-Type': contentType });
    },
    async getStream(key: string): Promise<Readable> {
      return client.getObject(bucket, key);
    },
    /** The whole object, refusing one larger than `maxBytes` before reading it. */
    async getBuffer(key: string, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer> {
      const stat = await client.statObject(bucket, key);
      if (stat.size > maxBytes) throw new ObjectTooLargeError(key, stat.size, maxBytes);
      const chunks: Buffer[] = [];
      for await (const chunk of await client.getObject(bucket, key)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    async exists(key: string): Promise<boolean> {
      try {
        await client.statObject(bucket, key);
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },
    async remove(key: string): Promise<void> {
      await client.removeObject(bucket, key);
    },
    /** Every object under `prefix` (which should end with "/"). Idempotent: nothing there is success. */
    async removePrefix(prefix: string): Promise<number> {
      const keys: string[] = [];
      for await (const item of client.listObjectsV2(bucket, prefix, true)) {
        if ((item as { name?: string }).name) keys.push((item as { name: string }).name);
      }
      for (const key of keys) await client.removeObject(bucket, key);
      return keys.length;
    },
  };
}

export type ObjectStore = ReturnType<typeof createObjectStore>;

export class ObjectTooLargeError extends Error {
  constructor(
    readonly key: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`object ${key} is ${size} bytes, over the ${limit}-byte limit`);
    this.name = 'ObjectTooLargeError';
  }
}

export function isNotFound(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchBucket';
}
