import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium; playwright-core never downloads a browser of its own. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** How many of a page's latest API exchanges it keeps for a failure report. */
const KEPT_EXCHANGES = 40;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
    ],
  });
}

export interface WatchedPage {
  page: Page;
  /** Uncaught exceptions in the page: any of them fails a test. */
  errors: string[];
  /** The page's latest `/api` and `/v1` exchanges, oldest first: `19:02:03.456 GET /api/x → 200`. */
  exchanges: string[];
  screenshot(name: string): Promise<string>;
}

/** Every page opened with `openPage`, by browser, so a failed test can show all of them. */
const pagesOf = new WeakMap<Browser, WatchedPage[]>();

/** A page whose script errors are collected and whose screenshots go to the test output directory. */
export async function openPage(browser: Browser, outputDir: string): Promise<WatchedPage> {
  mkdirSync(outputDir, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const exchanges: string[] = [];
  const keep = (line: string) => {
    exchanges.push(line);
    if (exchanges.length > KEPT_EXCHANGES) exchanges.shift();
  };
  // Wall-clock time, to line an exchange up with the services' logs.
  const at = () => new Date().toISOString().slice(11, 23);
  const isApi = (url: string) => /^\/(api|v1)\//.test(new URL(url).pathname);
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    const request = response.request();
    if (!isApi(request.url())) return;
    const { pathname } = new URL(request.url());
    keep(`${at()} ${request.method()} ${pathname} → ${response.status()}`);
  });
  page.on('requestfailed', (request) => {
    if (!isApi(request.url())) return;
    const { pathname } = new URL(request.url());
    keep(`${at()} ${request.method()} ${pathname} failed: ${request.failure()?.errorText ?? 'unknown'}`);
  });
  let step = 0;
  const watched: WatchedPage = {
    page,
    errors,
    exchanges,
    async screenshot(name) {
      const path = join(outputDir, `${String(++step).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
  pagesOf.set(browser, [...(pagesOf.get(browser) ?? []), watched]);
  return watched;
}

/**
 * What every open page showed when a step failed: a screenshot of each into the output directory, and
 * a report of each page's address, visible text, script errors and latest API exchanges. A failure that
 * happens once in many runs can then be read from the log instead of guessed at.
 */
export async function reportOpenPages(browser: Browser, outputDir: string, label: string): Promise<string> {
  const open = (pagesOf.get(browser) ?? []).filter((watched) => !watched.page.isClosed());
  const name = label.replace(/[^\w-]+/g, '-').slice(0, 60);
  const sections = await Promise.all(
    open.map(async (watched, index) => {
      const { page } = watched;
      const path = join(outputDir, `failed-${name}-page${index + 1}.png`);
      const shot = await page
        .screenshot({ path, fullPage: true, timeout: 5000 })
        .then(() => path)
        .catch((error: Error) => `no screenshot (${error.message.split('\n')[0]})`);
      const text = await page
        .locator('body')
        // biome-ignore lint/performance/useDomNodeTextContent: what the page shows, not its hidden nodes
        .innerText({ timeout: 5000 })
        .catch((error: Error) => `(unreadable: ${error.message.split('\n')[0]})`);
      return [
        `page ${index + 1}: ${page.url()}`,
        `  screenshot: ${shot}`,
        `  text: ${text.replace(/\s+/g, ' ').trim().slice(0, 1500)}`,
        `  script errors: ${watched.errors.length ? watched.errors.join(' | ') : 'none'}`,
        '  latest API exchanges:',
        ...watched.exchanges.map((line) => `    ${line}`),
      ].join('\n');
    }),
  );
  return [`"${label}" failed; ${open.length} open page(s):`, ...sections].join('\n');
}
