import type { Logger } from '@chatty/shared';
import type { Db } from './db/schema.js';
import { answeringModel, type ChunkHit, chunksById, rankedChunks } from './db/search.repository.js';
import { type EmbeddingClient, EmbeddingUnavailable } from './embed/embedding-client.js';
import type { VectorHit, VectorStore } from './embed/vector-store.js';

/** Reciprocal rank fusion's constant: a chunk's score from one list is 1 / (RRF_K + its rank). */
export const RRF_K = 60;

export interface MeaningSearch {
  client: EmbeddingClient;
  store: VectorStore;
  log: Logger;
  /** How long the question's embedding may take before the answer goes out by words only. */
  queryTimeoutMs: number;
}

/**
 * The best `k` chunks by words and by meaning: the `depth` best of each list (full-text rank, vector
 * similarity), fused by reciprocal rank, so a chunk high in either list, or fairly high in both, comes
 * first. Scores are the fused ones. When the question cannot be embedded, or the GPT has no vectors,
 * the words alone answer, as without an embedding model.
 */
export async function fusedChunks(
  db: Db,
  { gptId, query, k, candidates }: { gptId: string; query: string; k: number; candidates: number },
  meaning: MeaningSearch,
): Promise<ChunkHit[]> {
  const depth = Math.max(k * 4, 40);
  const [byWords, nearest] = await Promise.all([
    rankedChunks(db, gptId, query, { limit: depth, candidates }),
    nearestByMeaning(db, gptId, query, depth, meaning),
  ]);
  if (nearest.length === 0) return byWords.slice(0, k);
  // The rows of the nearest chunks the words did not find; an inactive file's vectors stay stored,
  // and its chunks come back from no row lookup, so they leave the meaning list here.
  const known = new Map(byWords.map((hit) => [String(hit.chunkId), hit]));
  const unread = nearest.map((hit) => hit.chunkId).filter((id) => !known.has(id));
  for (const hit of await chunksById(db, gptId, unread)) known.set(String(hit.chunkId), hit);
  const byMeaning = nearest.filter((hit) => known.has(hit.chunkId));

  const fused = new Map<string, number>();
  const add = (ids: string[]) => {
    for (const [rank, id] of ids.entries()) fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + rank + 1));
  };
  add(byWords.map((hit) => String(hit.chunkId)));
  add(byMeaning.map((hit) => hit.chunkId));
  const best = [...fused].sort((a, b) => b[1] - a[1] || compareIds(a[0], b[0])).slice(0, k);
  return best.flatMap(([id, score]) => {
    const hit = known.get(id);
    return hit ? [{ ...hit, score }] : [];
  });
}

async function nearestByMeaning(
  db: Db,
  gptId: string,
  query: string,
  limit: number,
  { client, store, log, queryTimeoutMs }: MeaningSearch,
): Promise<VectorHit[]> {
  const model = await answeringModel(db, gptId, client.model);
  if (!model || !query.trim()) return [];
  try {
    const [vector] = await client.embed([query], { model, timeoutMs: queryTimeoutMs });
    return await store.nearest(db, gptId, model, vector!, limit);
  } catch (error) {
    if (!(error instanceof EmbeddingUnavailable)) throw error;
    log.warn({ gptId, model, reason: error.message }, 'question not embedded; answering by words only');
    return [];
  }
}

/** bigserial ids as strings, compared as numbers: ties go to the earlier chunk. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
