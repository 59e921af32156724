import type { SearchResult } from '@chatty/contracts';

interface HeldKnowledge {
  digest: string | undefined;
  result: SearchResult;
  tokens: number;
}

const HELD_GPTS = 2000;

/**
 * The whole knowledge of small-knowledge GPTs, by the registry's digest of their files. file-ingest
 * answers `full` (every chunk, in document order) when a GPT's knowledge fits the turn's budget, and
 * that answer does not depend on the question: while the digest is the same and the whole still fits,
 * the next turn uses it without asking file-ingest. A digest is given only once every file has
 * settled, so chunks being written never hide behind an unchanged one.
 */
export class FullKnowledge {
  private readonly held = new Map<string, HeldKnowledge>();

  /** Whether an answer is held for the GPT, possibly out of date. */
  has(gptId: string): boolean {
    return this.held.has(gptId);
  }

  /** The held answer, when it is for this digest and still fits the budget. */
  find(gptId: string, digest: string | undefined, budgetTokens: number): SearchResult | undefined {
    const entry = this.held.get(gptId);
    if (!entry || digest === undefined || entry.digest !== digest) return undefined;
    // file-ingest's own test for `full`: the chunks, and their tokens, fit the budget.
    if (entry.tokens > budgetTokens || entry.result.chunks.length > budgetTokens) return undefined;
    return entry.result;
  }

  /**
   * Keeps a `full` answer under the digest the registry gave before the search began; anything else
   * forgets the GPT's. Without a digest (files still settling, or a search that started before the
   * registry answered and may have read older chunks) the answer is never used, but it tells the next
   * turn to search after the registry's answer, so that its result can be kept.
   */
  hold(gptId: string, digest: string | undefined, result: SearchResult) {
    this.held.delete(gptId);
    if (result.mode !== 'full') return;
    if (this.held.size >= HELD_GPTS) this.held.delete(this.held.keys().next().value!);
    const tokens = result.chunks.reduce((sum, chunk) => sum + chunk.tokens, 0);
    this.held.set(gptId, { digest, result, tokens });
  }
}
