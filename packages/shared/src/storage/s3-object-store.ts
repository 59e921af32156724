import { Readable } from 'node:stream';
import { Client } from 'minio';
import { exactBody } from './exact-size.js';
import { checkKey, checkPrefix } from './object-key.js';
import { isNotFound, type ObjectStore, ObjectTooLargeError } from './object-store.js';

export interface S3ObjectStoreOptions {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region?: string;
  /** The largest object put in one PUT; uploads up to this size never use multipart. */
  maxObjectSize?: number;
}

const MIB = 1024 * 1024;

/** The object store on S3 (MinIO in compose, any S3-compatible service elsewhere). */
export function createS3ObjectStore(options: S3ObjectStoreOptions): ObjectStore {
  const url = new URL(options.endpoint);
  const region = options.region ?? 'us-east-1';
  const client = new Client({
    endPoint: url.hostname,
    port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
    useSSL: url.protocol === 'https:',
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    region,
    pathStyle: true,
    // Known-size puts below partSize are one PUT, so a failed put never leaves a multipart upload
    // behind (and the test server has no multipart listing).
    partSize: Math.max(64 * MIB, Math.ceil((options.maxObjectSize ?? 0) / MIB) * MIB),
  });
  const bucket = options.bucket;

  return {
    async ensureBucket() {
      if (await client.bucketExists(bucket)) return;
      try {
        await client.makeBucket(bucket, region);
      } catch (error) {
        // Another replica made it first.
        const code = (error as { code?: string }).code;
        if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
      }
    },
    async ping() {
      if (!(await client.bucketExists(bucket))) throw new Error(`bucket ${bucket} does not exist`);
    },
    async put(key, body, size, contentType) {
      checkKey(key);
      const bytes = exactBody(key, body, size);
      // One PUT of a buffered body (see partSize): a short or long stream fails before the request.
      const payload = Buffer.isBuffer(bytes) ? bytes : Readable.from(bytes);
      await client.putObject(bucket, key, payload, size, { 'Content-Type': contentType });
    },
    async getStream(key) {
      checkKey(key);
      return client.getObject(bucket, key);
    },
    async getBuffer(key, maxBytes = Number.POSITIVE_INFINITY) {
      checkKey(key);
      const stat = await client.statObject(bucket, key);
      if (stat.size > maxBytes) throw new ObjectTooLargeError(key, stat.size, maxBytes);
      const chunks: Buffer[] = [];
      for await (const chunk of await client.getObject(bucket, key)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    async exists(key) {
      checkKey(key);
      try {
        await client.statObject(bucket, key);
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },
    async remove(key) {
      checkKey(key);
      await client.removeObject(bucket, key);
    },
    async removePrefix(prefix) {
      checkPrefix(prefix, { allowEmpty: false });
      // Listed first, then removed: deleting while paging through a listing can skip keys.
      const keys: string[] = [];
      for await (const key of listKeys(prefix)) keys.push(key);
      for (const key of keys) await client.removeObject(bucket, key);
      return keys.length;
    },
    list(prefix = '') {
      checkPrefix(prefix, { allowEmpty: true });
      return listKeys(prefix);
    },
  };

  async function* listKeys(prefix: string): AsyncGenerator<string> {
    for await (const item of client.listObjectsV2(bucket, prefix, true)) {
      const name = (item as { name?: string }).name;
      if (name) yield name;
    }
  }
}
