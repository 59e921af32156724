import {
  DatabaseEnv,
  IngestTokenEnv,
  LogEnv,
  loadConfig,
  RedisEnv,
  SecretEnv,
  ServerLimitsEnv,
  StorageEnv,
  TrustProxyEnv,
} from '@chatty/shared';
import Type, { type Static } from 'typebox';

export const IngestEnv = Type.Object({
  INGEST_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 5020 }),
  INGEST_HOST: Type.String({ default: '127.0.0.1' }),
  ...DatabaseEnv,
  ...RedisEnv,
  /** Only a fallback for one machine: with INGEST_SERVICE_TOKEN set file-ingest needs no SECRET_KEY. */
  ...SecretEnv,
  ...IngestTokenEnv,
  ...StorageEnv,
  ...LogEnv,
  ...TrustProxyEnv,
  ...ServerLimitsEnv,
  /** false: the HTTP side (search) only, without consuming jobs. */
  INGEST_WORKER: Type.Boolean({ default: true }),
  /** Files extracted at once by this process, each in its own thread. */
  INGEST_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 2 }),
  /** An original larger than this is refused (the registry enforces it at upload already). */
  MAX_FILE_SIZE: Type.Integer({ minimum: 1, default: 10_485_760 }),
  INGEST_MAX_PAGES: Type.Integer({ minimum: 1, default: 2000 }),
  INGEST_MAX_CHARS: Type.Integer({ minimum: 1, default: 5_000_000 }),
  /** Bytes a DOCX may expand to when unpacked. */
  INGEST_MAX_UNZIPPED_BYTES: Type.Integer({ minimum: 1, default: 104_857_600 }),
  INGEST_MAX_JSON_DEPTH: Type.Integer({ minimum: 1, default: 256 }),
  INGEST_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 120_000 }),
  /**
   * Resident memory of one extraction process, native allocations included (an idle one holds about
   * 120 MB; with the OCR engine started, about 270 MB).
   */
  INGEST_MAX_MEMORY_MB: Type.Integer({ minimum: 256, default: 512 }),
  /** Pixels (width × height) an image, or an image in a PDF, may declare; larger ones are never decoded. */
  INGEST_MAX_IMAGE_PIXELS: Type.Integer({ minimum: 1, default: 40_000_000 }),
  /**
   * Extraction runs of one file that may die (memory, time, a crash, the worker itself stopping) before
   * the file fails instead of being tried again. At most the job's attempts (5).
   */
  INGEST_MAX_CRASHES: Type.Integer({ minimum: 1, maximum: 5, default: 2 }),
  /** How long a job's lock lasts; a worker killed mid-job loses its job to another after about this. */
  INGEST_LOCK_MS: Type.Integer({ minimum: 500, default: 30_000 }),
  /** How often files left queued or processing without a job are enqueued again. */
  INGEST_RECONCILE_INTERVAL_MS: Type.Integer({ minimum: 100, default: 60_000 }),
});

export type IngestConfig = Static<typeof IngestEnv>;

export function loadIngestConfig(env: Record<string, string | undefined> = process.env): IngestConfig {
  return loadConfig(IngestEnv, env);
}
