import { AppError } from '@chatty/shared';

export interface WebResult {
  title: string;
  url: string;
  snippet: string;
}

export interface WebSearch {
  search(query: string, signal: AbortSignal): Promise<WebResult[]>;
}

const SEARCH_TIMEOUT_MS = 10_000;

/**
 * SearXNG's JSON API (`/search?q=…&format=json`; the instance's settings must list `json` among its
 * formats, or it answers 403). Only http(s) links come back, at most `limit`, without duplicates.
 */
export function searxng(baseUrl: string, limit: number): WebSearch {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async search(query, signal) {
      const url = `${base}/search?${new URLSearchParams({ q: query, format: 'json', safesearch: '1' })}`;
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.any([signal, AbortSignal.timeout(SEARCH_TIMEOUT_MS)]),
        });
      } catch (error) {
        if (signal.aborted) throw error;
        throw searchFailed(`SearXNG is unreachable (${(error as Error).message})`);
      }
      if (response.status === 403)
        throw searchFailed('SearXNG refuses JSON: add json to search.formats in its settings');
      if (!response.ok) throw searchFailed(`SearXNG answered ${response.status}`);
      const body = (await response.json()) as {
        results?: Array<{ title?: string; url?: string; content?: string }>;
      };
      const seen = new Set<string>();
      const results: WebResult[] = [];
      for (const result of body.results ?? []) {
        if (!result.url || !/^https?:\/\//i.test(result.url) || seen.has(result.url)) continue;
        seen.add(result.url);
        results.push({
          title: result.title?.trim() || result.url,
          url: result.url,
          snippet: (result.content ?? '').trim(),
        });
        if (results.length >= limit) break;
      }
      return results;
    },
  };
}

const searchFailed = (message: string) => new AppError(502, 'WEB_SEARCH_FAILED', message);
