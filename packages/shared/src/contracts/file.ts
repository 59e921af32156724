import Type, { type Static } from 'typebox';
import { Timestamp, Uuid } from './common.js';

/**
 * Source code and other text formats, keyed by language: the name a Markdown code fence (and the
 * UI's highlighter) knows it by. They are read as text, and the language travels with the file and its
 * citations so the code can be shown highlighted.
 */
export const CODE_TYPES = {
  javascript: { mime: 'text/javascript', extensions: ['.js', '.mjs', '.cjs', '.jsx'] },
  typescript: { mime: 'text/x-typescript', extensions: ['.ts', '.mts', '.cts', '.tsx'] },
  python: { mime: 'text/x-python', extensions: ['.py', '.pyi'] },
  java: { mime: 'text/x-java', extensions: ['.java'] },
  kotlin: { mime: 'text/x-kotlin', extensions: ['.kt', '.kts'] },
  scala: { mime: 'text/x-scala', extensions: ['.scala'] },
  go: { mime: 'text/x-go', extensions: ['.go'] },
  rust: { mime: 'text/x-rust', extensions: ['.rs'] },
  c: { mime: 'text/x-c', extensions: ['.c', '.h'] },
  cpp: { mime: 'text/x-c++', extensions: ['.cpp', '.cc', '.cxx', '.hpp', '.hh', '.hxx'] },
  csharp: { mime: 'text/x-csharp', extensions: ['.cs'] },
  swift: { mime: 'text/x-swift', extensions: ['.swift'] },
  ruby: { mime: 'text/x-ruby', extensions: ['.rb'] },
  php: { mime: 'text/x-php', extensions: ['.php'] },
  perl: { mime: 'text/x-perl', extensions: ['.pl', '.pm'] },
  lua: { mime: 'text/x-lua', extensions: ['.lua'] },
  r: { mime: 'text/x-r', extensions: ['.r'] },
  dart: { mime: 'text/x-dart', extensions: ['.dart'] },
  haskell: { mime: 'text/x-haskell', extensions: ['.hs'] },
  elixir: { mime: 'text/x-elixir', extensions: ['.ex', '.exs'] },
  erlang: { mime: 'text/x-erlang', extensions: ['.erl'] },
  clojure: { mime: 'text/x-clojure', extensions: ['.clj', '.cljs', '.edn'] },
  bash: { mime: 'application/x-sh', extensions: ['.sh', '.bash', '.zsh'] },
  powershell: { mime: 'text/x-powershell', extensions: ['.ps1'] },
  sql: { mime: 'application/sql', extensions: ['.sql'] },
  graphql: { mime: 'application/graphql', extensions: ['.graphql', '.gql'] },
  protobuf: { mime: 'text/x-protobuf', extensions: ['.proto'] },
  yaml: { mime: 'application/yaml', extensions: ['.yaml', '.yml'] },
  toml: { mime: 'application/toml', extensions: ['.toml'] },
  ini: { mime: 'text/x-ini', extensions: ['.ini', '.cfg', '.conf'] },
  xml: { mime: 'application/xml', extensions: ['.xml', '.xsd', '.xsl'] },
  html: { mime: 'text/html', extensions: ['.html', '.htm'] },
  css: { mime: 'text/css', extensions: ['.css'] },
  scss: { mime: 'text/x-scss', extensions: ['.scss'] },
  less: { mime: 'text/x-less', extensions: ['.less'] },
  latex: { mime: 'text/x-tex', extensions: ['.tex'] },
  diff: { mime: 'text/x-diff', extensions: ['.diff', '.patch'] },
} as const;

export type CodeLanguage = keyof typeof CODE_TYPES;

/** The knowledge-file types, each with the extensions it may carry and the MIME type it is stored as. */
export const KNOWLEDGE_TYPES = {
  pdf: { mime: 'application/pdf', extensions: ['.pdf'] },
  docx: {
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['.docx'],
  },
  doc: { mime: 'application/msword', extensions: ['.doc'] },
  pptx: {
    mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['.pptx'],
  },
  xlsx: {
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['.xlsx'],
  },
  txt: { mime: 'text/plain', extensions: ['.txt'] },
  md: { mime: 'text/markdown', extensions: ['.md'] },
  json: { mime: 'application/json', extensions: ['.json'] },
  csv: { mime: 'text/csv', extensions: ['.csv'] },
  png: { mime: 'image/png', extensions: ['.png'] },
  jpeg: { mime: 'image/jpeg', extensions: ['.jpg', '.jpeg'] },
  gif: { mime: 'image/gif', extensions: ['.gif'] },
  ...CODE_TYPES,
} as const;

export type KnowledgeType = keyof typeof KNOWLEDGE_TYPES;

export function knowledgeTypeOfMime(mime: string): KnowledgeType | undefined {
  return (Object.keys(KNOWLEDGE_TYPES) as KnowledgeType[]).find(
    (type) => KNOWLEDGE_TYPES[type].mime === mime,
  );
}

export function isCodeLanguage(type: string): type is CodeLanguage {
  return Object.hasOwn(CODE_TYPES, type);
}

/** The language of a file stored as `mime`, when it is source code; null for every other type. */
export function codeLanguageOfMime(mime: string): CodeLanguage | null {
  const type = knowledgeTypeOfMime(mime);
  return type && isCodeLanguage(type) ? type : null;
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
  /** For source code: the language (`javascript`, `python`…), as a Markdown code fence names it. */
  language: Type.Union([Type.String(), Type.Null()]),
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
  /** The file's language when it is source code, else null. */
  language: Type.Union([Type.String(), Type.Null()]),
  text: Type.String(),
  score: Type.Number(),
  tokens: Type.Integer(),
});

export const SearchResult = Type.Object({
  mode: Type.Union([Type.Literal('full'), Type.Literal('ranked')]),
  chunks: Type.Array(SearchChunk),
});
export type SearchResult = Static<typeof SearchResult>;
