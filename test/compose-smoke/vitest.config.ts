import { defineConfig } from 'vitest/config';

// The compose smoke run (infra/scripts/compose-smoke.sh): one file, in order, with room for builds.
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['*.smoke.ts'],
    fileParallelism: false,
    testTimeout: 5 * 60_000,
    hookTimeout: 20 * 60_000,
  },
});
