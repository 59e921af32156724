// No runtime dependencies here: the web UI imports these tables as they are.

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
