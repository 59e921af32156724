import type { MigrationSet } from '@chatty/shared';
import type { Migration } from 'kysely';
import type { IngestDatabase } from '../schema.js';
import * as fileChunk from './2026_11_25_0001_file_chunk.js';
import * as gptSearchIndex from './2026_11_25_0002_gpt_search_index.js';
import * as chunkEmbedding from './2026_12_02_0401_chunk_embedding.js';

/** file-ingest's migrations. They reference the registry's gpt and gpt_file, so they run after its. */
export const ingestMigrations: Record<string, Migration> = {
  '2026_11_25_0001_file_chunk': fileChunk,
  '2026_11_25_0002_gpt_search_index': gptSearchIndex,
  '2026_12_02_0401_chunk_embedding': chunkEmbedding,
};

export const INGEST_MIGRATION_TABLE = 'ingest_migration';

/** What prepareDatabase and the migrate program apply for file-ingest. */
export const ingestMigrationSet: MigrationSet<IngestDatabase> = {
  service: 'file-ingest',
  table: INGEST_MIGRATION_TABLE,
  migrations: ingestMigrations,
  // Its tables reference the registry's: a fresh database waits for the registry to make them.
  requires: ['gpt_file'],
};
