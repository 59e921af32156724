import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  startTestS3,
  type TestS3,
} from '../packages/testkit/src/index.js';
import { type Measured, measure, type Target } from './autocannon.js';
import {
  benchSides,
  ChildServices,
  cpuSeconds,
  freePort,
  profileFlags,
  type Side,
} from './child-services.js';
import { printSideBySide, roundOrder, type SideFigure } from './side-by-side.js';

const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
const SECRET_KEY = 'bench-secret-key-that-is-long-enough-0123456789';

const CODE_ASSISTANT = {
  name: 'Code Assistant',
  description: 'Helps with programming and code review',
  instructions: 'You are a helpful coding assistant. Always provide clean, well-documented code examples.',
  conversationStarters: ['Help me debug this code', 'Review my function', 'Explain this algorithm'],
  capabilities: { webSearch: false, canvas: false, imageGeneration: false, codeInterpreter: true },
  modelId: 'deepseek-coder',
};

function benchDuration(): number {
  const raw = process.env.BENCH_DURATION ?? '10';
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new Error(`BENCH_DURATION must be a whole number of seconds ≥ 1, got "${raw}"`);
  }
  return seconds;
}

/**
 * `BENCH_LOG_LEVEL=info` measures the services logging as deployed (a line per request and response,
 * written to /dev/null here); the default, silent, measures the request path alone.
 */
function logLevel(): string {
  return process.env.BENCH_LOG_LEVEL ?? 'silent';
}

/** Three distinct ports, free a moment ago. */
async function threePorts(): Promise<[number, number, number]> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  return [...ports] as [number, number, number];
}

/**
 * At 50 connections the servers are saturated, so p50 is mostly queueing (≈ connections ÷ throughput)
 * and autocannon records whole milliseconds. One request at a time shows what the hop itself costs.
 */
async function unloadedMedians(targets: Target[], rounds: number): Promise<number[]> {
  const samples: number[][] = targets.map(() => []);
  for (let round = -rounds / 5; round < rounds; round++) {
    // Alternating targets in each round spreads any drift (GC, CPU frequency) over all of them.
    for (const [index, target] of targets.entries()) {
      const start = performance.now();
      const response = await fetch(target.url, { headers: target.headers ?? {} });
      await response.arrayBuffer();
      const elapsed = performance.now() - start;
      if (!response.ok) throw new Error(`${target.name} answered ${response.status}`);
      if (round >= 0) samples[index]!.push(elapsed);
    }
  }
  return samples.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (response.status !== 201)
    throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

/** Microseconds of CPU per request for each watched process, or undefined where not measurable. */
function cpuPerRequest({ cpu, result }: Measured): Array<number | undefined> {
  return cpu.map((seconds) => (seconds === undefined ? undefined : (seconds * 1e6) / result.requests.total));
}

function cpuCell(measured: Measured, processes: string[]): string {
  const cells = cpuPerRequest(measured).map((micros, index) =>
    micros === undefined ? 'n/a' : `${micros.toFixed(0)} ${processes[index]}`,
  );
  return cells.join(' + ');
}

/** One target's runs (rounds of an alternation) as one: means of rates and percentiles, sums of CPU. */
function combine(runs: Measured[]): Measured {
  const mean = (pick: (run: Measured) => number) =>
    runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
  return {
    target: runs[0]!.target,
    result: {
      requests: {
        average: mean((run) => run.result.requests.average),
        total: runs.reduce((sum, run) => sum + run.result.requests.total, 0),
      },
      latency: { p50: mean((run) => run.result.latency.p50), p99: mean((run) => run.result.latency.p99) },
      non2xx: 0,
      errors: 0,
      timeouts: 0,
    },
    cpu: runs[0]!.cpu.map((_, index) => {
      const spent = runs.map((run) => run.cpu[index]);
      return spent.some((value) => value === undefined)
        ? undefined
        : spent.reduce((sum, value) => sum! + value!, 0);
    }),
  };
}

interface SideTargets {
  side: Side;
  registry: Measured;
  origin: Measured;
  unloaded: [number, number];
}

function report(hello: Measured, measuredSides: SideTargets[], sides: Side[]) {
  const rows = [
    [hello, ['hello-world']] as const,
    ...measuredSides.flatMap(({ registry, origin }) => [
      [registry, ['gpt-registry']] as const,
      [origin, ['web', 'gpt-registry']] as const,
    ]),
  ].map(([measured, processes]) => [
    measured.target.name,
    measured.result.requests.average.toFixed(0),
    measured.result.latency.p50.toFixed(1),
    measured.result.latency.p99.toFixed(1),
    cpuCell(measured, [...processes]),
  ]);
  const header = ['target', 'req/s (mean)', 'p50 ms', 'p99 ms', 'server CPU µs/req'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) =>
      column === 0 || column === 4 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
    );
  // autocannon's latency histogram has whole-millisecond buckets: a single run's p50 is an integer.
  console.log(`\n${line(header).join('  ').trimEnd()}`);
  for (const row of rows) console.log(line(row).join('  ').trimEnd());

  const [helloCpu] = cpuPerRequest(hello);
  const bySide = (pick: (side: SideTargets) => number | undefined) =>
    Object.fromEntries(measuredSides.map((each) => [each.side.key, pick(each)]));
  const figures: SideFigure[] = [
    {
      label: 'registry req/s ÷ hello req/s',
      values: bySide((each) => each.registry.result.requests.average / hello.result.requests.average),
      digits: 3,
      target: '≥ 0.25',
      meets: (value) => value >= 0.25,
    },
    {
      // What the share would be with the registry's CPU alone to spend; other load barely moves it.
      label: 'hello CPU/req ÷ registry CPU/req',
      values: bySide((each) => {
        const [registryCpu] = cpuPerRequest(each.registry);
        return helloCpu === undefined || registryCpu === undefined ? undefined : helloCpu / registryCpu;
      }),
      digits: 3,
    },
    {
      label: 'registry CPU/req',
      values: bySide((each) => cpuPerRequest(each.registry)[0]),
      digits: 0,
      unit: 'µs',
    },
    {
      label: 'origin req/s ÷ registry req/s',
      values: bySide((each) => each.origin.result.requests.average / each.registry.result.requests.average),
      digits: 3,
    },
    {
      label: 'origin p50 − registry p50',
      values: bySide((each) => each.origin.result.latency.p50 - each.registry.result.latency.p50),
      unit: 'ms, under load',
      target: '≤ 1',
      meets: (value) => value <= 1,
    },
    {
      label: 'unloaded hop (median)',
      values: bySide((each) => each.unloaded[1] - each.unloaded[0]),
      unit: 'ms, 1 request at a time',
    },
    {
      label: 'unloaded registry (median)',
      values: bySide((each) => each.unloaded[0]),
      unit: 'ms',
    },
  ];
  printSideBySide('registry GET /api/gpts/:id', sides, figures);
}

export async function run(): Promise<void> {
  const seconds = benchDuration();
  const sides = benchSides();
  const stamp = Date.now();
  const services = new ChildServices();
  const databases: string[] = [];
  let s3: TestS3 | undefined;
  let cleaned: Promise<void> | undefined;
  // The servers stop before the database they use is dropped.
  const cleanup = () => {
    cleaned ??= (async () => {
      await services.stopAll().catch((error) => console.error(error));
      for (const database of databases) await dropDatabase(database).catch((error) => console.error(error));
      await s3?.close().catch((error) => console.error(error));
    })();
    return cleaned;
  };
  // Ctrl-C would otherwise leave a database behind; the test suite's stale-database sweep ignores these.
  // `on`, not `once`: one Ctrl-C arrives twice (from the terminal and relayed by the tsx CLI), and
  // with no listener left tsx would exit at the second, before the database is dropped.
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    // The registry's readiness needs object storage; the measured route never touches it, so the
    // embedded S3 server runs here rather than as one more process competing for the cores.
    s3 = await startTestS3();
    const helloPort = await freePort();
    const hello = await services.start(
      { name: 'hello-world', entry: 'bench/hello-world.server.ts', env: { PORT: String(helloPort) } },
      helloPort,
    );
    const perSide: Array<{ side: Side; registry: Target; origin: Target; pids: [number, number] }> = [];
    for (const side of sides) {
      const database = sides.length === 1 ? `chatty_bench_${stamp}` : `chatty_bench_${stamp}_${side.key}`;
      await createDatabase(database);
      databases.push(database);
      const [registryPort, originPort, opsPort] = await threePorts();
      const suffix = side.key === 'work' ? '' : ` (${side.label})`;
      // The registry first: the origin's readiness probes it.
      const registry = await services.start(
        {
          name: `gpt-registry${suffix}`,
          entry: 'services/gpt-registry/src/server.ts',
          root: side.root,
          env: {
            REGISTRY_PORT: String(registryPort),
            REGISTRY_HOST: '127.0.0.1',
            DATABASE_URL: databaseUrl(database),
            SECRET_KEY,
            MODELS_CONFIG: join(side.root, 'models.json'),
            LOG_LEVEL: logLevel(),
            // Repeated runs sign up from 127.0.0.1 into the same Redis counters.
            AUTH_RATE_LIMIT_PER_ADDRESS: '1000000',
            ...s3.env,
          },
          nodeFlags: profileFlags(side),
        },
        registryPort,
      );
      const origin = await services.start(
        {
          name: `web${suffix}`,
          entry: 'services/web/src/server.ts',
          root: side.root,
          env: {
            PORT: String(originPort),
            HOST: '127.0.0.1',
            OPS_PORT: String(opsPort),
            REGISTRY_URL: registry.url,
            LOG_LEVEL: logLevel(),
          },
          nodeFlags: profileFlags(side),
          opsPort,
        },
        originPort,
      );

      // Set up as a user would, through the public origin.
      const signup = await postJson(`${origin.url}/api/auth/signup`, {
        email: `bench-${stamp}-${side.key}@example.com`,
        password: 'correct horse battery staple',
        name: 'Bench User',
      });
      const auth = { authorization: `Bearer ${signup.token as string}` };
      const gpt = await postJson(`${origin.url}/api/gpts`, CODE_ASSISTANT, auth);
      const path = `/api/gpts/${gpt.id as string}`;
      const label = sides.length === 1 ? '' : `, ${side.label}`;
      perSide.push({
        side,
        registry: { name: `registry direct${label}`, url: `${registry.url}${path}`, headers: auth },
        origin: { name: `origin (proxied)${label}`, url: `${origin.url}${path}`, headers: auth },
        pids: [registry.pid, origin.pid],
      });
    }

    const helloTarget = { name: 'hello-world', url: `${hello.url}/hello` } satisfies Target;
    const rounds = sides.length === 1 ? 1 : 2;
    console.log(
      `${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${seconds} s per target and round ` +
        `(BENCH_DURATION), ${rounds} round(s); one process per server, LOG_LEVEL=${logLevel()}; ` +
        `sides: ${sides.map((side) => `${side.label} (${side.root})`).join(', ')}`,
    );
    const options = { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds };
    const probe = (pid: number) => () => cpuSeconds(pid);
    // Each round measures every target once, starting with another one, so drift is shared.
    const jobs = [
      { key: 'hello', target: helloTarget, watch: [probe(hello.pid)] },
      ...perSide.flatMap(({ side, registry, origin, pids }) => [
        { key: `${side.key}-registry`, target: registry, watch: [probe(pids[0])] },
        { key: `${side.key}-origin`, target: origin, watch: [probe(pids[1]), probe(pids[0])] },
      ]),
    ];
    const runs = new Map<string, Measured[]>(jobs.map((job) => [job.key, []]));
    for (let round = 0; round < rounds; round++) {
      for (const job of roundOrder(jobs, round)) {
        runs.get(job.key)!.push(await measure(job.target, options, job.watch));
      }
    }
    const unloaded = await unloadedMedians(
      perSide.flatMap(({ registry, origin }) => [registry, origin]),
      1000,
    );
    report(
      combine(runs.get('hello')!),
      perSide.map(({ side }, index) => ({
        side,
        registry: combine(runs.get(`${side.key}-registry`)!),
        origin: combine(runs.get(`${side.key}-origin`)!),
        unloaded: [unloaded[2 * index]!, unloaded[2 * index + 1]!],
      })),
      sides,
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
