import { displayUrl, redactKey } from '@chatty/shared';
import { type EmbeddingClient, EmbeddingUnavailable, unitVector } from './embedding-client.js';

interface EmbeddingsAnswer {
  data?: Array<{ index?: number; embedding?: unknown }>;
  error?: { message?: string } | string;
}

/**
 * Embeddings from an OpenAI-compatible API (`POST <url>/embeddings`, batched): OpenAI's own, or a
 * server that copies it. One endpoint, so a failure is EmbeddingUnavailable at once, and the caller
 * retries later (ingestion) or answers by words (search). The key leaves only in the Authorization
 * header, and is scrubbed from whatever the API says back before it reaches an error or a log.
 */
export function openAiEmbeddingClient({
  url,
  apiKey,
  model,
  timeoutMs,
}: {
  url: string;
  apiKey: string | undefined;
  model: string;
  timeoutMs: number;
}): EmbeddingClient {
  const endpoint = `${url.replace(/\/+$/, '')}/embeddings`;
  const headers = {
    'content-type': 'application/json',
    ...(apiKey && { authorization: `Bearer ${apiKey}` }),
  };
  return {
    model,
    async embed(texts, options = {}) {
      const which = options.model ?? model;
      if (texts.length === 0) return [];
      try {
        const response = await fetch(endpoint, {
          method: 'POST',
          headers,
          body: JSON.stringify({ model: which, input: texts }),
          signal: AbortSignal.timeout(options.timeoutMs ?? timeoutMs),
        });
        const answer = (await response.json().catch(() => ({}))) as EmbeddingsAnswer;
        if (!response.ok) throw new Error(`HTTP ${response.status} ${messageOf(answer)}`.trim());
        return vectorsOf(answer, texts.length);
      } catch (error) {
        const reason = redactKey((error as Error).message, apiKey);
        throw new EmbeddingUnavailable(which, [`${displayUrl(url)}: ${reason}`]);
      }
    },
  };
}

/** One unit vector per text, in input order (`index` says which; the API may answer out of order). */
function vectorsOf(answer: EmbeddingsAnswer, count: number): Float32Array[] {
  const data = answer.data;
  if (!Array.isArray(data) || data.length !== count)
    throw new Error('the answer holds no embedding for every text');
  const vectors: Float32Array[] = new Array(count);
  for (const [position, item] of data.entries()) {
    const index = item.index ?? position;
    const values = item.embedding;
    const inRange = Number.isInteger(index) && index >= 0 && index < count;
    if (!inRange || vectors[index] || !Array.isArray(values) || values.length === 0)
      throw new Error('the answer holds no embedding for every text');
    vectors[index] = unitVector(values as number[]);
  }
  return vectors;
}

function messageOf(answer: EmbeddingsAnswer): string {
  return (typeof answer.error === 'string' ? answer.error : (answer.error?.message ?? '')).slice(0, 500);
}
