import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium; playwright-core never downloads a browser of its own. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
  screenshot(name: string): Promise<string>;
}

/** A page whose script errors are collected and whose screenshots go to the test output directory. */
export async function openPage(browser: Browser, outputDir: string): Promise<WatchedPage> {
  mkdirSync(outputDir, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  let step = 0;
  return {
    page,
    errors,
    async screenshot(name) {
      const path = join(outputDir, `${String(++step).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
}
