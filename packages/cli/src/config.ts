import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CliConfig {
  url: string;
  apiKey: string;
}

/** `$XDG_CONFIG_HOME/chatty/config.json`, `~/.config/chatty/config.json` without it. */
function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'chatty', 'config.json');
}

/** The saved login, with CHATTY_URL and CHATTY_API_KEY taking precedence (CI, one-off runs). */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<CliConfig | undefined> {
  let saved: Partial<CliConfig> = {};
  try {
    saved = JSON.parse(await readFile(configPath(env), 'utf8')) as Partial<CliConfig>;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') {
      throw new Error(`Cannot read ${configPath(env)}: ${(error as Error).message}`);
    }
  }
  const url = env.CHATTY_URL || saved.url;
  const apiKey = env.CHATTY_API_KEY || saved.apiKey;
  return url && apiKey ? { url, apiKey } : undefined;
}

/**
 * Writes the login readable by its owner only (0600, its directory 0700): the API key is a password.
 * Written to a temporary file first and renamed, so a crash never leaves half a file.
 */
export async function saveConfig(config: CliConfig, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = configPath(env);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
  return path;
}
