import Type, { type Static } from 'typebox';
import { Timestamp, Uuid } from './common.js';

/** The knowledge-file types, each with the extensions it may carry and the MIME type it is stored as. */
export const KNOWLEDGE_TYPES = {
  pdf: { mime: 'application/pdf', extensions: ['.pdf'] },
  docx: {
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['.docx'],
  },
  doc: { mime: 'application/msword', extensions: ['.doc'] },
  txt: { mime: 'text/plain', extensions: ['.txt'] },
  md: { mime: 'text/markdown', extensions: ['.md'] },
  json: { mime: 'application/json', extensions: ['.json'] },
  csv: { mime: 'text/csv', extensions: ['.csv'] },
  png: { mime: 'image/png', extensions: ['.png'] },
  jpeg: { mime: 'image/jpeg', extensions: ['.jpg', '.jpeg'] },
  gif: { mime: 'image/gif', extensions: ['.gif'] },
} as const;

export type KnowledgeType = keyof typeof KNOWLEDGE_TYPES;

export function knowledgeTypeOfMime(mime: string): KnowledgeType | undefined {
  return (Object.keys(KNOWLEDGE_TYPES) as KnowledgeType[]).find(
    (type) => KNOWLEDGE_TYPES[type].mime === mime,
  );
}

export const FileStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('processing'),
  Type.Literal('ready'),
  Type.Literal('failed'),
]);

export const KnowledgeFile = Type.Object({
  id: Uuid,
  gptId: Uuid,
  filename: Type.String({ description: 'The stored name: the file id and the extension of its type' }),
  originalName: Type.String({ description: 'The name it was uploaded under; metadata only' }),
  mimeType: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  status: FileStatus,
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  error: Type.Union([Type.String(), Type.Null()]),
  pageCount: Type.Union([Type.Integer(), Type.Null()]),
  charCount: Type.Union([Type.Integer(), Type.Null()]),
  chunkCount: Type.Union([Type.Integer(), Type.Null()]),
  uploadedAt: Timestamp,
});
export type KnowledgeFile = Static<typeof KnowledgeFile>;

export const KnowledgeFileList = Type.Object({ items: Type.Array(KnowledgeFile) });

/** `POST /internal/search` on file-ingest (see docs/internal-contracts.md). */
export const SearchBody = Type.Object({
  gptId: Uuid,
  query: Type.String({ maxLength: 4000 }),
  k: Type.Integer({ minimum: 1, maximum: 100, default: 8 }),
  budgetTokens: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
});
export type SearchBody = Static<typeof SearchBody>;

export const SearchChunk = Type.Object({
  fileId: Uuid,
  fileName: Type.String(),
  page: Type.Union([Type.Integer(), Type.Null()]),
  text: Type.String(),
  score: Type.Number(),
  tokens: Type.Integer(),
});

export const SearchResult = Type.Object({
  mode: Type.Union([Type.Literal('full'), Type.Literal('ranked')]),
  chunks: Type.Array(SearchChunk),
});
export type SearchResult = Static<typeof SearchResult>;
