import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

/**
 * `npm run bench -- <name>` runs one bench; `npm run bench` runs them all. Benches are imported lazily
 * so that listing them, or running one, never loads (or starts) the others.
 */
interface Bench {
  run(): Promise<void>;
}

/**
 * Through tsconfig.test.json's `paths`, as vitest's aliases do for the tests: `@chatty/*` then means the
 * TypeScript sources in the work tree. Plain tsx would follow the packages' `exports` into `dist/`, which
 * is missing or stale until `npm run build`, and the bench would measure yesterday's code.
 */
const TSCONFIG = fileURLToPath(new URL('../tsconfig.test.json', import.meta.url));
const load = (specifier: string) =>
  tsImport(specifier, { parentURL: import.meta.url, tsconfig: TSCONFIG }) as Promise<Bench>;

const BENCHES: Record<string, { summary: string; load: () => Promise<Bench> }> = {
  access: {
    summary: 'the GPT access check (owner, share, catalogue) against the ownership-only lookup it replaced',
    load: () => load('./access.bench.ts'),
  },
  actions: {
    summary:
      'action executions through the action-runner against direct requests to the same loopback target',
    load: () => load('./actions.bench.ts'),
  },
  gateway: {
    summary:
      'streamed answers through the inference-gateway (and the origin) against a direct Ollama connection',
    load: () => load('./gateway.bench.ts'),
  },
  ingest: {
    summary:
      'knowledge ingestion per type (MB/s, pages/s, p50/p99) through BullMQ against the bare parsers; empty jobs/s; search at 100k and 1M chunks',
    load: () => load('./ingest.bench.ts'),
  },
  providers: {
    summary:
      'streamed /v1 answers from an OpenAI-compatible and an Anthropic API against the same from Ollama',
    load: () => load('./providers.bench.ts'),
  },
  registry: {
    summary: 'GET /api/gpts/:id on the registry and through the origin, against Fastify hello-world',
    load: () => load('./registry.bench.ts'),
  },
  session: {
    summary:
      'a GPT session message (knowledge, an action, history) through the origin against the model worker directly: first token and whole answer at concurrency 1 and 64',
    load: () => load('./session/session.bench.ts'),
  },
  retrieval: {
    summary:
      'recall@5 of fused (meaning + words) against keyword-only retrieval; ingestion time embedding adds per MB; vector search at 100k chunks, pgvector and the bytea fallback',
    load: () => load('./retrieval.bench.ts'),
  },
};

function listBenches(): string {
  return Object.entries(BENCHES)
    .map(([name, bench]) => `  ${name.padEnd(12)} ${bench.summary}`)
    .join('\n');
}

async function main(): Promise<number> {
  const name = process.argv[2];
  if (name !== undefined && !(name in BENCHES)) {
    console.error(`Unknown bench "${name}". Available benches:\n${listBenches()}`);
    return 1;
  }
  const names = name === undefined ? Object.keys(BENCHES) : [name];
  if (name === undefined) console.log(`No bench named; running all:\n${listBenches()}\n`);
  for (const each of names) {
    console.log(`== bench: ${each}`);
    await (await BENCHES[each]!.load()).run();
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
