import { ChattyClient } from '@chatty/client';
import { loadConfig } from './config.js';
import { UsageError } from './output.js';

/** How long a request may wait for the server to begin answering, without --timeout or CHATTY_TIMEOUT. */
export const DEFAULT_TIMEOUT_SECONDS = 30;

let timeoutOption: string | undefined;

/** The global `--timeout <seconds>` of this run (main.ts sets it before the command runs). */
export function setTimeoutOption(value: string | undefined): void {
  timeoutOption = value;
}

/**
 * The request timeout in milliseconds: `--timeout`, else CHATTY_TIMEOUT, else 30 s; `0` waits as long
 * as it takes. It bounds the wait for an answer to begin (a streamed answer that has begun runs on).
 */
export function timeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const [text, source] =
    timeoutOption !== undefined
      ? [timeoutOption, '--timeout']
      : env.CHATTY_TIMEOUT
        ? [env.CHATTY_TIMEOUT, 'CHATTY_TIMEOUT']
        : [String(DEFAULT_TIMEOUT_SECONDS), ''];
  const seconds = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(seconds))
    throw new UsageError(`${source} must be a number of seconds (0: no limit), not "${text}"`);
  return Math.round(seconds * 1000);
}

/** A client of `url` with `apiKey`, under the run's timeout. */
export function clientFor(url: string, apiKey: string): ChattyClient {
  return new ChattyClient({ baseUrl: url, token: apiKey, timeoutMs: timeoutMs() });
}

/** A client for the saved login (or CHATTY_URL / CHATTY_API_KEY). */
export async function connect(): Promise<ChattyClient> {
  const config = await loadConfig();
  if (!config)
    throw new UsageError('Not logged in: run `chatty login` first (or set CHATTY_URL and CHATTY_API_KEY)');
  return clientFor(config.url, config.apiKey);
}
