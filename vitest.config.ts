import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of the workspace packages; no build needed first.
    alias: {
      '@chatty/shared': source('./packages/shared/src/index.ts'),
      '@chatty/testkit': source('./packages/testkit/src/index.ts'),
      '@chatty/gpt-registry': source('./services/gpt-registry/src/index.ts'),
      '@chatty/web': source('./services/web/src/index.ts'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
