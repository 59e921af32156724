/**
 * `npm run bench -- <name>` runs one bench; `npm run bench` runs them all. Benches are imported lazily
 * so that listing them, or running one, never loads (or starts) the others.
 */
interface Bench {
  run(): Promise<void>;
}

const BENCHES: Record<string, { summary: string; load: () => Promise<Bench> }> = {
  registry: {
    summary: 'GET /api/gpts/:id on the registry and through the origin, against Fastify hello-world',
    load: () => import('./registry.bench.js'),
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
