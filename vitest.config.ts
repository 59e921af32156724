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
    // Each worker keeps the modules it has loaded from one file to the next: loading the services'
    // module graph again for every file was over half the run (280 s of imports against 25 s). No test
    // relies on a fresh module: apps, pools and servers are made per test file and closed by it.
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
