import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HostedFault, sendJson, startScriptedServer } from './scripted-http.js';

export interface SearxResult {
  url: string;
  title: string;
  content?: string;
  engine?: string;
}

export interface SearxngServerOptions {
  /** The results for a query; by default none. */
  results?: (query: string) => SearxResult[];
  /** Web pages the same server serves at these paths (HTML), for links among the results. */
  pages?: Record<string, string>;
}

export interface SearxngTestServer {
  url: string;
  /** Every query received, in order. */
  queries: Array<{ q: string; format: string | null; params: Record<string, string> }>;
  /** Pages fetched, in order, with the user agent that asked. */
  fetched: Array<{ path: string; userAgent: string | undefined }>;
  setResults(results: (query: string) => SearxResult[]): void;
  setFault(fault: HostedFault | null): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real HTTP server speaking SearXNG's search API: `GET /search?q=…&format=json` answers
 * `{query, number_of_results, results:[{url, title, content, engine, score}], answers, suggestions}`;
 * without `format=json` it answers 403, as a SearXNG whose settings do not enable JSON does. It can
 * also serve the pages its results link to.
 */
export async function startSearxngServer(options: SearxngServerOptions = {}): Promise<SearxngTestServer> {
  const queries: SearxngTestServer['queries'] = [];
  const fetched: SearxngTestServer['fetched'] = [];
  let results = options.results ?? (() => []);

  const handle = async (request: IncomingMessage, response: ServerResponse, path: string) => {
    const url = new URL(request.url ?? '/', 'http://searxng');
    if (path === '/search') {
      const q = url.searchParams.get('q') ?? '';
      const format = url.searchParams.get('format');
      queries.push({ q, format, params: Object.fromEntries(url.searchParams) });
      if (server.fault === 'busy') return sendJson(response, 429, { error: 'Too Many Requests' });
      if (format !== 'json') {
        response.writeHead(403, { 'content-type': 'text/html' });
        return response.end('<h1>403 Forbidden</h1>');
      }
      const found = results(q);
      return sendJson(response, 200, {
        query: q,
        number_of_results: found.length,
        results: found.map((result, index) => ({
          content: '',
          engine: 'duckduckgo',
          engines: [result.engine ?? 'duckduckgo'],
          score: 1 / (index + 1),
          category: 'general',
          ...result,
        })),
        answers: [],
        corrections: [],
        infoboxes: [],
        suggestions: [],
        unresponsive_engines: [],
      });
    }
    const page = options.pages?.[path];
    if (page !== undefined) {
      fetched.push({ path, userAgent: request.headers['user-agent'] });
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return response.end(page);
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found');
  };

  const server = await startScriptedServer(handle);
  return {
    url: server.url,
    queries,
    fetched,
    setResults(next) {
      results = next;
    },
    setFault: (fault) => server.setFault(fault),
    close: () => server.close(),
  };
}
