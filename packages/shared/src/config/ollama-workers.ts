import Type from 'typebox';
import { ConfigError } from './load-config.js';

/** One Ollama worker of OLLAMA_URLS: its base URL and, when the entry says so, its own parallelism. */
export interface OllamaWorkerEntry {
  url: string;
  /** `#parallel=N` on the entry: generations this worker runs at once (its OLLAMA_NUM_PARALLEL). */
  parallel?: number;
}

/** The most generations one worker may be given at once (the gateway's WORKER_CONCURRENCY bound). */
const MAX_WORKER_PARALLEL = 1024;

export const OllamaUrlsEnv = {
  /**
   * Comma-separated Ollama workers. An entry may end in `#parallel=N`, the generations that worker
   * runs at once (its OLLAMA_NUM_PARALLEL), since machines differ; without it WORKER_CONCURRENCY applies.
   */
  OLLAMA_URLS: Type.String({
    pattern: '^https?://[^,\\s]+(\\s*,\\s*https?://[^,\\s]+)*$',
    default: 'http://127.0.0.1:11434',
  }),
};

const PARALLEL = /^parallel=(\d+)$/;

/**
 * Parses OLLAMA_URLS. The fragment never reaches a worker (it is not part of the base URL); anything
 * in it but `parallel=N` with 1 ≤ N ≤ 1024 is a configuration error naming the entry by its place
 * (worker URLs may hold credentials, so they are not echoed), so a typo fails at start-up rather than
 * silently running a worker at the default cap.
 */
export function parseOllamaUrls(value: string): OllamaWorkerEntry[] {
  const problems: string[] = [];
  const entries = value.split(',').map((raw, index) => {
    const entry = raw.trim();
    const hash = entry.indexOf('#');
    const url = (hash === -1 ? entry : entry.slice(0, hash)).replace(/\/+$/, '');
    if (hash === -1) return { url };
    const fragment = entry.slice(hash + 1);
    const match = PARALLEL.exec(fragment);
    const parallel = match ? Number(match[1]) : Number.NaN;
    if (!(parallel >= 1 && parallel <= MAX_WORKER_PARALLEL)) {
      problems.push(
        `OLLAMA_URLS: worker ${index + 1} ends in an unknown or bad setting after "#"; the only one is #parallel=N with N from 1 to ${MAX_WORKER_PARALLEL}`,
      );
    }
    return { url, parallel };
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return entries;
}
