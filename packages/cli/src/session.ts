import { ChattyClient } from '@chatty/client';
import { loadConfig } from './config.js';
import { UsageError } from './output.js';

/** A client for the saved login (or CHATTY_URL / CHATTY_API_KEY). */
export async function connect(): Promise<ChattyClient> {
  const config = await loadConfig();
  if (!config)
    throw new UsageError('Not logged in: run `chatty login` first (or set CHATTY_URL and CHATTY_API_KEY)');
  return new ChattyClient({ baseUrl: config.url, token: config.apiKey });
}
