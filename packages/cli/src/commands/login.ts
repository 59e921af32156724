import { stdin, stdout } from 'node:process';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { saveConfig } from '../config.js';
import { printJson, UsageError } from '../output.js';
import { clientFor } from '../session.js';

async function ask(question: string): Promise<string> {
  const prompt = createInterface({ input: stdin, output: stdout });
  try {
    return (await prompt.question(question)).trim();
  } finally {
    prompt.close();
  }
}

/** Reads the key from stdin when it is piped (`--api-key -`), so it stays out of the shell history. */
async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += chunk;
  return text.trim();
}

export function loginCommand(program: Command): void {
  program
    .command('login')
    .description('Save the server URL and an API key (create one in the UI or with POST /api/keys)')
    .option('--url <url>', 'the server, e.g. http://localhost:5000')
    .option('--api-key <key>', 'the API key; "-" reads it from stdin')
    .option('--json', 'print the result as JSON')
    .action(async (options: { url?: string; apiKey?: string; json?: boolean }) => {
      const url = options.url ?? (stdin.isTTY ? await ask('Server URL: ') : undefined);
      if (!url) throw new UsageError('Give the server with --url');
      try {
        new URL(url);
      } catch {
        throw new UsageError(`"${url}" is not a URL`);
      }
      let apiKey = options.apiKey;
      if (apiKey === '-') apiKey = await readStdin();
      apiKey ??= stdin.isTTY ? await ask('API key: ') : undefined;
      if (!apiKey)
        throw new UsageError('Give the API key with --api-key (or --api-key - to read it from stdin)');
      // Checked before it is kept: a wrong key fails here with the server's message.
      const user = await clientFor(url, apiKey).me();
      const path = await saveConfig({ url, apiKey });
      if (options.json) printJson({ url, user, config: path });
      else stdout.write(`Logged in to ${url} as ${user.email}; saved in ${path}\n`);
    });
}
