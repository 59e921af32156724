/**
 * `num_predict` for one attempt of a generation: what the request asked for, never more than the
 * gateway's cap (MAX_OUTPUT_TOKENS), less what earlier attempts of the same answer already produced
 * (a stream resumed on another worker must not start the count again). Ollama reads a missing or
 * negative value as "until the context is full", so those get the cap too.
 */
export function numPredict(requested: unknown, cap: number, produced = 0): number {
  const asked = typeof requested === 'number' && requested > 0 ? Math.min(requested, cap) : cap;
  return Math.max(1, asked - produced);
}
