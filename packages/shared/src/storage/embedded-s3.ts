import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface EmbeddedS3 {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  close(): Promise<void>;
}

/** s3rver's fixed credentials; it listens on loopback only, so they guard nothing beyond this host. */
const EMBEDDED_KEY = 'S3RVER';

/**
 * An S3-compatible server for one machine and for tests (s3rver), storing under `directory`. It is
 * for loopback use only: `npm start` runs it as its own process when S3_ENDPOINT is unset.
 */
export async function startEmbeddedS3({
  directory,
  port = 0,
  host = '127.0.0.1',
  buckets = [],
}: {
  directory: string;
  port?: number;
  host?: string;
  buckets?: string[];
}): Promise<EmbeddedS3> {
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
    accessKey: EMBEDDED_KEY,
    secretKey: EMBEDDED_KEY,
    close: () => server.close(),
  };
}
