import { RUNNER_INTERNAL_ROUTES } from '@chatty/contracts';
import { AppError, callRoute, type ServiceClient } from '@chatty/shared';
import { convert } from 'html-to-text';

export interface PageReader {
  /** The readable text of a page, cut to `maxChars`. */
  read(url: string, signal: AbortSignal, requestId?: string): Promise<string>;
}

const PAGE_BYTES = 512 * 1024;

/**
 * Reads a web page through the action-runner's execute route, so a page the model asks for passes the
 * same egress policy as any action (public addresses only, pinned DNS, redirects re-checked, size and
 * time caps): the gateway itself never fetches an address a model chose.
 */
export function actionRunnerPageReader(runner: ServiceClient, maxChars: number): PageReader {
  return {
    async read(url, signal, requestId) {
      // The runner renders {{placeholders}}; a URL is data here, never a template.
      if (url.includes('{{')) throw new AppError(400, 'INVALID_URL', 'The link cannot be read');
      const result = await callRoute(runner, RUNNER_INTERNAL_ROUTES.execute, {
        body: {
          method: 'GET',
          url,
          headers: { accept: 'text/html, text/plain;q=0.9' },
          query: {},
          body: null,
          arguments: {},
          timeoutMs: 10_000,
          maxResponseBytes: PAGE_BYTES,
        },
        signal,
        requestId,
        timeoutMs: 15_000,
      });
      if (result.status >= 400)
        throw new AppError(502, 'PAGE_UNAVAILABLE', `The page answered ${result.status}`);
      const type =
        Object.entries(result.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
      const text = /html/i.test(type)
        ? convert(result.body, {
            wordwrap: false,
            selectors: [
              { selector: 'a', options: { ignoreHref: true } },
              { selector: 'img', format: 'skip' },
              { selector: 'nav', format: 'skip' },
              { selector: 'script', format: 'skip' },
              { selector: 'style', format: 'skip' },
            ],
          })
        : result.body;
      const clean = text.replace(/\n{3,}/g, '\n\n').trim();
      return clean.length > maxChars ? `${clean.slice(0, maxChars)}… (cut)` : clean;
    },
  };
}
