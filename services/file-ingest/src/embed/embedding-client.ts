/** Every worker failed to embed: the caller retries later (ingestion) or answers by words (search). */
export class EmbeddingUnavailable extends Error {
  constructor(model: string, reasons: string[]) {
    super(`could not embed with ${model}: ${reasons.join('; ')}`);
    this.name = 'EmbeddingUnavailable';
  }
}

export interface EmbeddingClient {
  readonly model: string;
  /** Unit-length vectors, one per text, in order; by default with `model` and the client's timeout. */
  embed(texts: string[], options?: { model?: string; timeoutMs?: number }): Promise<Float32Array[]>;
}

/**
 * Embeddings from the Ollama workers (`POST /api/embed`, batched). Requests start at the next worker in
 * turn, and a worker that fails (down, busy, model missing, too slow) hands the batch to the next one.
 */
export function ollamaEmbeddingClient({
  urls,
  model,
  timeoutMs,
}: {
  urls: string[];
  model: string;
  timeoutMs: number;
}): EmbeddingClient {
  let next = 0;
  return {
    model,
    async embed(texts, options = {}) {
      const which = options.model ?? model;
      if (texts.length === 0) return [];
      const start = next++ % urls.length;
      const reasons: string[] = [];
      for (let i = 0; i < urls.length; i++) {
        const url = urls[(start + i) % urls.length]!;
        try {
          return await embedOnce(url, which, texts, options.timeoutMs ?? timeoutMs);
        } catch (error) {
          reasons.push(`${url}: ${(error as Error).message}`);
        }
      }
      throw new EmbeddingUnavailable(which, reasons);
    },
  };
}

async function embedOnce(url: string, model: string, texts: string[], timeoutMs: number) {
  const response = await fetch(`${url}/api/embed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // truncate: a chunk longer than the model's context is cut rather than refused.
    body: JSON.stringify({ model, input: texts, truncate: true }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json().catch(() => ({}))) as { embeddings?: unknown; error?: string };
  if (!response.ok) throw new Error(`HTTP ${response.status} ${body.error ?? ''}`.trim());
  const embeddings = body.embeddings;
  if (
    !Array.isArray(embeddings) ||
    embeddings.length !== texts.length ||
    !embeddings.every((vector) => Array.isArray(vector) && vector.length > 0)
  ) {
    throw new Error('the answer holds no embedding for every text');
  }
  return (embeddings as number[][]).map(unitVector);
}

/** Scaled to length 1, so cosine similarity is a dot product. */
export function unitVector(values: ArrayLike<number>): Float32Array {
  const vector = Float32Array.from(values);
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}
