import {
  DatabaseEnv,
  IngestTokenEnv,
  LogEnv,
  loadConfig,
  OllamaUrlsEnv,
  parseOllamaUrls,
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
  /**
   * How long a job's lock lasts; a worker killed mid-job loses its job to another after one to two of
   * these, and its file shows `processing` until then. The lock is renewed every half of it, which the
   * worker's event loop can always do: extraction runs in a child process, never on that loop.
   */
  INGEST_LOCK_MS: Type.Integer({ minimum: 500, default: 10_000 }),
  /** How often files left queued or processing without a job are enqueued again. */
  INGEST_RECONCILE_INTERVAL_MS: Type.Integer({ minimum: 100, default: 60_000 }),
  /**
   * The Ollama embedding model (e.g. `nomic-embed-text`). Set, chunks are embedded and a question is
   * answered by meaning and by words, fused; unset, retrieval is by words only. Changing it re-embeds
   * every GPT's knowledge in the background while the vectors of the previous model keep answering.
   */
  EMBEDDING_MODEL: Type.Optional(Type.String({ minLength: 1 })),
  /** The Ollama workers that embed (the gateway's setting of the same name; `#parallel=N` is the gateway's). */
  ...OllamaUrlsEnv,
  /**
   * An OpenAI-compatible embeddings API instead of the Ollama workers: its base URL
   * (`https://api.openai.com/v1`; vLLM, llama.cpp's server, LiteLLM and Hugging Face TEI serve the same
   * `POST <url>/embeddings`). EMBEDDING_MODEL is then that API's model name.
   */
  EMBEDDING_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** EMBEDDING_URL's key, sent as a bearer token (or EMBEDDING_API_KEY_FILE); never logged. */
  EMBEDDING_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  /** Chunks sent to a worker in one embedding request. */
  EMBEDDING_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 512, default: 32 }),
  /** How long one embedding request may take before the next worker is tried. */
  EMBEDDING_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 60_000 }),
  /** How long a question's embedding may take; past it, that question is answered by words only. */
  EMBEDDING_QUERY_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5_000 }),
  /** How often the worker looks for chunks without a vector of the current model (after a change). */
  EMBEDDING_BACKFILL_INTERVAL_MS: Type.Integer({ minimum: 100, default: 30_000 }),
  /**
   * `auto`: vectors in a pgvector column when the server has the extension, else in a bytea column
   * searched by this service. `off`: the bytea column even where pgvector is there.
   */
  EMBEDDING_PGVECTOR: Type.Union([Type.Literal('auto'), Type.Literal('off')], { default: 'auto' }),
  /**
   * Without pgvector, the most vectors of one GPT compared per question (exactly, in this service);
   * a larger GPT's vector search covers its most recent chunks only.
   */
  EMBEDDING_SCAN_LIMIT: Type.Integer({ minimum: 1, default: 20_000 }),
  /** Without pgvector, memory for the vectors kept between questions (768 dimensions: 3 KB a chunk). */
  EMBEDDING_SCAN_CACHE_MB: Type.Integer({ minimum: 0, default: 256 }),
});

export type IngestConfig = Static<typeof IngestEnv>;

export function ollamaUrlsOf(config: IngestConfig): string[] {
  return parseOllamaUrls(config.OLLAMA_URLS).map((worker) => worker.url);
}

export function loadIngestConfig(env: Record<string, string | undefined> = process.env): IngestConfig {
  const config = loadConfig(IngestEnv, env);
  // The same list as the gateway's: a bad `#parallel=` is refused here too rather than ignored.
  parseOllamaUrls(config.OLLAMA_URLS);
  if (config.EMBEDDING_URL && !config.EMBEDDING_MODEL)
    throw new Error('EMBEDDING_URL is set without EMBEDDING_MODEL: name the model that API embeds with');
  if (config.EMBEDDING_URL && /^[a-z]+:\/\/[^/]*@/i.test(config.EMBEDDING_URL))
    throw new Error(
      'EMBEDDING_URL holds credentials: put the key in EMBEDDING_API_KEY (or EMBEDDING_API_KEY_FILE)',
    );
  return config;
}
