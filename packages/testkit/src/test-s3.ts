import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createS3ObjectStore, type ObjectStore } from '@chatty/shared';
import { type S3Server, startS3Server } from './s3-server.js';

export interface TestS3 extends S3Server {
  bucket: string;
  store: ObjectStore;
  /** The S3_* variables a service reads, pointing at this server and bucket. */
  env: Record<string, string>;
  /** Stops the server, keeping its data, as an outage would. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  restart(): Promise<void>;
}

/** An in-process S3 server on a free loopback port with a bucket of its own, for one test file. */
export async function startTestS3(): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'chatty-s3-'));
  const bucket = `test-${randomUUID().slice(0, 13)}`;
  let server = await startS3Server({ directory, buckets: [bucket] });
  const port = Number(new URL(server.endpoint).port);
  let running = true;
  const store = createS3ObjectStore({ ...server, bucket });
  return {
    endpoint: server.endpoint,
    accessKey: server.accessKey,
    secretKey: server.secretKey,
    bucket,
    store,
    env: {
      S3_ENDPOINT: server.endpoint,
      S3_ACCESS_KEY: server.accessKey,
      S3_SECRET_KEY: server.secretKey,
      S3_BUCKET: bucket,
    },
    async stop() {
      if (running) await server.close();
      running = false;
    },
    async restart() {
      if (running) await server.close();
      server = await startS3Server({ directory, port, buckets: [bucket] });
      running = true;
    },
    async close() {
      if (running) await server.close();
      running = false;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Every key in a store (or under `prefix`), sorted, to assert that nothing was left behind. */
export async function listKeys(store: ObjectStore, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys.sort();
}
