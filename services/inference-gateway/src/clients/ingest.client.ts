import type { ServiceClient } from '@chatty/shared';

export interface KnowledgeChunk {
  fileId: string;
  fileName: string;
  page: number | null;
  /** The file's language when it is source code (file-ingest sends it; absent or null otherwise). */
  language?: string | null;
  text: string;
  score: number;
  tokens: number;
}

export interface SearchResult {
  mode: 'full' | 'ranked';
  chunks: KnowledgeChunk[];
}

/** file-ingest's retrieval route; absent (no INGEST_URL) means GPTs answer without knowledge. */
export function ingestApi(call: ServiceClient | undefined) {
  return {
    search: async (
      body: { gptId: string; query: string; k: number; budgetTokens: number },
      requestId?: string,
    ): Promise<SearchResult> => {
      if (!call) return { mode: 'full', chunks: [] };
      return call<SearchResult>({ method: 'POST', path: '/internal/search', body, requestId });
    },
  };
}

export type IngestApi = ReturnType<typeof ingestApi>;
