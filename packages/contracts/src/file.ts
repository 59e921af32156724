import Type, { type Static } from 'typebox';
import { Timestamp, Uuid } from './common.js';

export * from './knowledge-types.js';

/**
 * A knowledge file's life: `queued` on upload, `processing` while file-ingest reads it, then `ready`
 * (its chunks are searchable) or `failed` (with a reason a person can act on).
 */
export const FileStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('processing'),
  Type.Literal('ready'),
  Type.Literal('failed'),
]);
export type FileStatus = Static<typeof FileStatus>;

/** The statuses after which a file's status no longer changes by itself. */
export const SETTLED_FILE_STATUSES: ReadonlySet<FileStatus> = new Set(['ready', 'failed']);

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
  /** For source code: the language (`javascript`, `python`…), as a Markdown code fence names it. */
  language: Type.Union([Type.String(), Type.Null()]),
  /** Whether answers use it. An inactive file stays stored, listed and readable; no search finds it. */
  isActive: Type.Boolean(),
  uploadedAt: Timestamp,
});
export type KnowledgeFile = Static<typeof KnowledgeFile>;

/** `PATCH /api/gpts/files/:fileId`: what may change of a file once uploaded. */
export const FileUpdateBody = Type.Object({ isActive: Type.Boolean() }, { additionalProperties: false });

export const KnowledgeFileList = Type.Object({ items: Type.Array(KnowledgeFile) });

export const FileIdParams = Type.Object({ fileId: Uuid });

/** `GET /api/gpts/files/:fileId/text`: the text extracted from the file (text/plain). */
export const ExtractedText = Type.String();

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
  /** The file's language when it is source code, else null. */
  language: Type.Union([Type.String(), Type.Null()]),
  text: Type.String(),
  score: Type.Number(),
  tokens: Type.Integer(),
});
export type SearchChunk = Static<typeof SearchChunk>;

export const SearchResult = Type.Object({
  mode: Type.Union([Type.Literal('full'), Type.Literal('ranked')]),
  chunks: Type.Array(SearchChunk),
});
export type SearchResult = Static<typeof SearchResult>;
