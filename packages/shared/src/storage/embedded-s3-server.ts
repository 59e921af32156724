// The embedded S3 server as a process of its own, run by `npm start` when S3_ENDPOINT is unset.
import { join } from 'node:path';
import { createLogger } from '../logger.js';
import { startEmbeddedS3 } from './embedded-s3.js';
import { EMBEDDED_S3_DEFAULT_PORT } from './storage-env.js';

const log = createLogger({ name: 'embedded-s3', level: process.env.LOG_LEVEL || 'info' });
const port = Number(process.env.EMBEDDED_S3_PORT || EMBEDDED_S3_DEFAULT_PORT);
const directory = join(process.env.DATA_DIR || './data', 's3');
const bucket = process.env.S3_BUCKET || 'chatty';
try {
  const s3 = await startEmbeddedS3({ directory, port, buckets: [bucket] });
  log.info({ endpoint: s3.endpoint, directory, bucket }, 'embedded S3 listening');
  const stop = async () => {
    await s3.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
} catch (error) {
  log.fatal({ err: error }, 'embedded S3 failed to start');
  process.exit(1);
}
