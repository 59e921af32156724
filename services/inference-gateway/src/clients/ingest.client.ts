import { INGEST_INTERNAL_ROUTES, type SearchBody, type SearchResult } from '@chatty/contracts';
import { callRoute, type ServiceClient } from '@chatty/shared';

/** file-ingest's retrieval route; absent (no INGEST_URL) means GPTs answer without knowledge. */
export function ingestApi(call: ServiceClient | undefined) {
  return {
    search: async (body: SearchBody, requestId?: string): Promise<SearchResult> => {
      if (!call) return { mode: 'full', chunks: [] };
      return callRoute(call, INGEST_INTERNAL_ROUTES.search, { body, requestId });
    },
  };
}

export type IngestApi = ReturnType<typeof ingestApi>;
