import {
  BUILT_IN_TOOL_NAMES,
  type ChatStreamEventData,
  type WebCitation,
  type WebSearchRecord,
} from '@chatty/contracts';
import { AppError } from '@chatty/shared';
import type { OllamaTool } from '../pool/ollama-types.js';
import type { PageReader } from '../search/page-reader.js';
import type { WebResult, WebSearch } from '../search/searxng.client.js';

const [WEB_SEARCH_TOOL, READ_PAGE_TOOL] = BUILT_IN_TOOL_NAMES;

export interface WebSearchDeps {
  search: WebSearch;
  /** Present when the action-runner is configured: the model may then read a result's page. */
  reader?: PageReader;
}

export type WebSearchEvent = ChatStreamEventData<'search'>;

/**
 * Web search for one turn of a GPT with the `webSearch` capability: the `web_search` tool (and
 * `read_web_page`, for a link among this turn's results), or for a model without tools one search
 * of the question whose results go into the prompt. It remembers what it searched and every result it
 * showed the model, which become the answer's searches and web citations.
 */
export class WebSearchTurn {
  readonly searches: WebSearchRecord[] = [];
  private readonly shown = new Map<string, WebCitation>();

  constructor(
    private readonly deps: WebSearchDeps,
    private readonly signal: AbortSignal,
    private readonly onEvent: (event: WebSearchEvent) => void,
    private readonly requestId?: string,
  ) {}

  get citations(): WebCitation[] {
    return [...this.shown.values()];
  }

  get tools(): OllamaTool[] {
    const tools: OllamaTool[] = [
      {
        type: 'function',
        function: {
          name: WEB_SEARCH_TOOL,
          description:
            'Search the web for current or outside information. Answer from the results and cite the links you used.',
          parameters: {
            type: 'object',
            properties: { query: { type: 'string', description: 'What to search for' } },
            required: ['query'],
          },
        },
      },
    ];
    if (this.deps.reader)
      tools.push({
        type: 'function',
        function: {
          name: READ_PAGE_TOOL,
          description: 'Read the text of a page found by web_search, when its snippet is not enough.',
          parameters: {
            type: 'object',
            properties: { url: { type: 'string', description: 'A link from the search results' } },
            required: ['url'],
          },
        },
      });
    return tools;
  }

  handles(name: string): boolean {
    return name === WEB_SEARCH_TOOL || (name === READ_PAGE_TOOL && this.deps.reader !== undefined);
  }

  /** Runs a tool call; what it returns is the tool message the model reads (a failure included). */
  async run(name: string, args: Record<string, unknown>): Promise<string> {
    if (name === READ_PAGE_TOOL) return this.read(String(args.url ?? ''));
    const query = String(args.query ?? '')
      .trim()
      .slice(0, 400);
    if (!query) return 'The search needs a query.';
    const results = await this.search(query);
    return results === undefined
      ? 'The web search failed; answer without it and say so.'
      : resultsText(results);
  }

  /** For a model without tools: the question searched once, as a prompt section (empty when nothing came). */
  async searchQuestion(question: string): Promise<string> {
    const results = await this.search(question.trim().slice(0, 400));
    return results?.length ? resultsText(results) : '';
  }

  /** One search; undefined when it failed (the failure is recorded, not thrown). */
  async search(query: string): Promise<WebResult[] | undefined> {
    this.onEvent({ query, status: 'running' });
    try {
      const results = await this.deps.search.search(query, this.signal);
      for (const result of results)
        if (!this.shown.has(result.url)) this.shown.set(result.url, { url: result.url, title: result.title });
      this.searches.push({ query, status: 'ok', results: results.length });
      this.onEvent({ query, status: 'ok', results: results.length });
      return results;
    } catch (error) {
      if (this.signal.aborted) throw error;
      const message = error instanceof AppError ? error.message : 'the search failed';
      this.searches.push({ query, status: 'error', results: 0, error: message });
      this.onEvent({ query, status: 'error' });
      return undefined;
    }
  }

  private async read(url: string): Promise<string> {
    // Only links the model was shown: a page reader is not a general fetcher for the model.
    if (!this.shown.has(url)) return 'Only links from this conversation’s search results can be read.';
    try {
      return await this.deps.reader!.read(url, this.signal, this.requestId);
    } catch (error) {
      if (this.signal.aborted) throw error;
      const reason =
        error instanceof AppError ? `${error.code}: ${error.message}` : 'the page could not be read';
      return `The page could not be read (${reason}).`;
    }
  }
}

/** Web search for this turn, when the GPT has it on and the gateway has a search engine; else undefined. */
export function webSearchFor(
  deps: WebSearchDeps | undefined,
  gpt: { capabilities?: { webSearch?: boolean } },
  turn: { signal: AbortSignal; requestId?: string; onEvent?: (event: WebSearchEvent) => void },
): WebSearchTurn | undefined {
  if (!deps || !gpt.capabilities?.webSearch) return undefined;
  return new WebSearchTurn(deps, turn.signal, turn.onEvent ?? (() => {}), turn.requestId);
}

/** Results as the model reads them: numbered, with title, link and snippet. */
function resultsText(results: WebResult[]): string {
  if (results.length === 0) return 'No results.';
  return results
    .map((result, index) => `[${index + 1}] ${result.title}\n${result.url}\n${result.snippet}`.trim())
    .join('\n\n');
}
