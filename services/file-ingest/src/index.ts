export { buildIngest, type IngestApp, type IngestOverrides } from './app.js';
export { CODE_CHUNKING, chunkText, SLIDE_AND_SHEET_CHUNKING } from './chunk/chunker.js';
export { normalizeSegments } from './chunk/normalize.js';
export { type IngestConfig, IngestEnv, loadIngestConfig, ollamaUrlsOf } from './config.js';
export { INGEST_MIGRATION_TABLE, ingestMigrationSet, ingestMigrations } from './db/migrations/index.js';
export type { IngestDatabase } from './db/schema.js';
export { type Embedder, embedFileChunks } from './embed/embed-file.js';
export {
  type EmbeddingClient,
  EmbeddingUnavailable,
  ollamaEmbeddingClient,
  unitVector,
} from './embed/embedding-client.js';
export { prepareVectorStore, type VectorStore } from './embed/vector-store.js';
export { extract } from './extract/extract.js';
export { ExtractionSandbox } from './extract/sandbox.js';
export { ExtractionCrashed, ExtractionRefused, type ExtractKind } from './extract/types.js';
export { fusedChunks, type MeaningSearch, RRF_K } from './fused-search.js';
export { ingestFile } from './jobs/ingest.job.js';
export { reconcileJobs } from './jobs/reconcile.js';
export { searchKnowledge } from './search.js';
export { startWorker } from './start-worker.js';
export { extractLimitsOf, startIngestWorker } from './worker.js';
