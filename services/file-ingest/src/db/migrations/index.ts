import type { Migration } from 'kysely';
import * as fileChunk from './2026_11_25_0001_file_chunk.js';
import * as gptSearchIndex from './2026_11_25_0002_gpt_search_index.js';

/** file-ingest's migrations. They reference the registry's gpt and gpt_file, so they run after its. */
export const ingestMigrations: Record<string, Migration> = {
  '2026_11_25_0001_file_chunk': fileChunk,
  '2026_11_25_0002_gpt_search_index': gptSearchIndex,
};

export const INGEST_MIGRATION_TABLE = 'ingest_migration';
