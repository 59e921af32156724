import type { ColumnType, Generated, Kysely } from 'kysely';

/** The registry's gpt_file as file-ingest sees it: it reads the row and writes the processing columns. */
export interface GptFileTable {
  id: string;
  gpt_id: string;
  original_name: string;
  mime_type: string;
  size: number;
  storage_key: string;
  status: 'queued' | 'processing' | 'ready' | 'failed';
  progress: number;
  error: string | null;
  page_count: number | null;
  char_count: number | null;
  chunk_count: number | null;
  /** Whether answers use the file: no search finds the chunks of an inactive one. */
  is_active: ColumnType<boolean, never, never>;
  uploaded_at: ColumnType<Date, never, never>;
}

export interface GptTable {
  id: string;
  user_id: string;
}

export interface FileChunkTable {
  id: Generated<string>;
  file_id: string;
  gpt_id: string;
  ordinal: number;
  page: number | null;
  char_start: number;
  char_end: number;
  tokens: number;
  text: string;
  tsv: ColumnType<string, never, never>;
}

export interface ChunkEmbeddingTable {
  chunk_id: string;
  model: string;
  gpt_id: string;
  dimensions: number;
  /** float32 little-endian, unit length; null where the pgvector column `vec` holds the vector. */
  embedding: Buffer | null;
}

export interface FileEmbeddingTable {
  file_id: string;
  model: string;
  embedded_at: ColumnType<Date, never, never>;
}

export interface IngestDatabase {
  gpt_file: GptFileTable;
  gpt: GptTable;
  file_chunk: FileChunkTable;
  chunk_embedding: ChunkEmbeddingTable;
  file_embedding: FileEmbeddingTable;
}

export type Db = Kysely<IngestDatabase>;
