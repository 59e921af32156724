import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface S3Server {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  close(): Promise<void>;
}

/** s3rver's fixed credentials; it listens on loopback only, so they guard nothing beyond this host. */
const S3RVER_KEY = 'S3RVER';

/**
 * An S3-compatible server (s3rver) storing under `directory`, so tests exercise the S3 object store
 * and outages of it without MinIO. Tests only: production uses MinIO or the file store, and s3rver is a
 * devDependency of this package, never part of a production install.
 */
export async function startS3Server({
  directory,
  port = 0,
  host = '127.0.0.1',
  buckets = [],
}: {
  directory: string;
  port?: number;
  host?: string;
  buckets?: string[];
}): Promise<S3Server> {
  mkdirSync(directory, { recursive: true });
  const { default: S3rver } = await import('s3rver');
  const server = new S3rver({
    address: host,
    port,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const address = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://${host}:${address.port}`,
    accessKey: S3RVER_KEY,
    secretKey: S3RVER_KEY,
    close: () => server.close(),
  };
}
