#!/usr/bin/env node
// The command's entry point, committed so npm can link it before the TypeScript is built (`npm run build`).
await import('../dist/main.js');
