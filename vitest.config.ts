import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Every workspace package (`@chatty/<name>`) resolved to its TypeScript sources: no build before tests. */
function workspaceAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const group of ['packages', 'services']) {
    for (const dir of readdirSync(`${root}${group}`)) {
      try {
        const { name } = JSON.parse(readFileSync(`${root}${group}/${dir}/package.json`, 'utf8')) as {
          name: string;
        };
        aliases[name] = `${root}${group}/${dir}/src/index.ts`;
      } catch {
        // not a package (yet)
      }
    }
  }
  return aliases;
}

export default defineConfig({
  resolve: { alias: workspaceAliases() },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    pool: 'forks',
    // Vitest's default (one fewer than the cores) is a single file at a time on a 2-core machine. The
    // tests mostly wait on servers, streams and timers, so two at a time take about half as long.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
