import type { SearchBody, SearchResult } from '@chatty/contracts';
import type { Db } from './db/schema.js';
import { allChunks, type ChunkHit, knowledgeTokens, rankedChunks } from './db/search.repository.js';
import { fusedChunks, type MeaningSearch } from './fused-search.js';

/** Matches ranked per query, at most; see rankedChunks. */
const SEARCH_CANDIDATES = 2000;

/**
 * A GPT's knowledge for one turn: all of it when it fits the budget (small knowledge goes into the
 * prompt whole), otherwise the best `k` chunks that fit, best first: by words, or with an embedding
 * model (`meaning`) by words and meaning fused.
 */
export async function searchKnowledge(
  db: Db,
  { gptId, query, k, budgetTokens }: SearchBody,
  meaning?: MeaningSearch,
): Promise<SearchResult> {
  // Every chunk has at least one token, so more chunks than the budget cannot fit.
  const total = await knowledgeTokens(db, gptId, budgetTokens + 1);
  if (total.chunks <= budgetTokens && total.tokens <= budgetTokens) {
    return { mode: 'full', chunks: (await allChunks(db, gptId)).map(withoutId) };
  }
  const hits = meaning
    ? await fusedChunks(db, { gptId, query, k, candidates: SEARCH_CANDIDATES }, meaning)
    : await rankedChunks(db, gptId, query, { limit: k, candidates: SEARCH_CANDIDATES });
  const chunks: SearchResult['chunks'] = [];
  let used = 0;
  for (const hit of hits) {
    if (used + hit.tokens > budgetTokens) continue;
    used += hit.tokens;
    chunks.push(withoutId(hit));
  }
  return { mode: 'ranked', chunks };
}

function withoutId({ chunkId: _, ...chunk }: ChunkHit): SearchResult['chunks'][number] {
  return chunk;
}
