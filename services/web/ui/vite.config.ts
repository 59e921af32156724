import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The UI is plain Preact compiled by esbuild: no framework plugin, no Babel.
export default defineConfig({
  root: here('.'),
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: { alias: { '@chatty/contracts': here('../../../packages/contracts/src/index.ts') } },
  build: { outDir: here('../dist/ui'), emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1200 },
  logLevel: 'warn',
});
