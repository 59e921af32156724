import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  startTestS3,
  type TestS3,
} from '../packages/testkit/src/index.js';
import { type Measured, measure, type Target } from './autocannon.js';
import { ChildServices, cpuSeconds, freePort } from './child-services.js';

const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
const SECRET_KEY = 'bench-secret-key-that-is-long-enough-0123456789';
const MODELS_JSON = fileURLToPath(new URL('../models.json', import.meta.url));

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

/** `BENCH_CPU_PROF=<dir>`: the registry and the origin write V8 CPU profiles there when they stop. */
function profileFlags(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return [];
  mkdirSync(resolve(dir), { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${resolve(dir)}`];
}

/**
 * `BENCH_LOG_LEVEL=info` measures the services logging as deployed (a line per request and response,
 * written to /dev/null here); the default, silent, measures the request path alone.
 */
function logLevel(): string {
  return process.env.BENCH_LOG_LEVEL ?? 'silent';
}

/** Four distinct ports, free a moment ago. */
async function fourPorts(): Promise<[number, number, number, number]> {
  const ports = new Set<number>();
  while (ports.size < 4) ports.add(await freePort());
  return [...ports] as [number, number, number, number];
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

const ms = (value: number) => value.toFixed(2);
const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');

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

function report(hello: Measured, registry: Measured, origin: Measured, unloaded: number[]) {
  const processes = [['hello-world'], ['gpt-registry'], ['web', 'gpt-registry']];
  const rows = [hello, registry, origin].map((measured, index) => [
    measured.target.name,
    measured.result.requests.average.toFixed(0),
    String(measured.result.latency.p50),
    String(measured.result.latency.p99),
    cpuCell(measured, processes[index]!),
  ]);
  const header = ['target', 'req/s (mean)', 'p50 ms', 'p99 ms', 'server CPU µs/req'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) =>
      column === 0 || column === 4 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
    );
  // autocannon's latency histogram has whole-millisecond buckets, hence no decimals.
  console.log(`\n${line(header).join('  ').trimEnd()}`);
  for (const row of rows) console.log(line(row).join('  ').trimEnd());

  const figure = (label: string, value: string) => console.log(`${label.padEnd(34)}${value}`);
  const registryShare = registry.result.requests.average / hello.result.requests.average;
  console.log('');
  figure(
    'registry req/s ÷ hello req/s',
    `${registryShare.toFixed(3)}  (target ≥ 0.25)  ${verdict(registryShare >= 0.25)}`,
  );
  const [helloCpu] = cpuPerRequest(hello);
  const [registryCpu] = cpuPerRequest(registry);
  if (helloCpu !== undefined && registryCpu !== undefined) {
    // What the share would be with the registry's CPU alone to spend; other load barely moves it.
    figure('hello CPU/req ÷ registry CPU/req', (helloCpu / registryCpu).toFixed(3));
  }
  figure(
    'origin req/s ÷ registry req/s',
    (origin.result.requests.average / registry.result.requests.average).toFixed(3),
  );
  const hopP50 = origin.result.latency.p50 - registry.result.latency.p50;
  figure('origin p50 − registry p50', `${hopP50} ms  (target ≤ 1 ms)  ${verdict(hopP50 <= 1)}`);
  const [registryAlone, originAlone] = unloaded as [number, number];
  console.log(
    `unloaded, 1 request at a time:  registry ${ms(registryAlone)} ms, origin ${ms(originAlone)} ms, ` +
      `hop ${ms(originAlone - registryAlone)} ms (median; context for the p50 target, not a target)`,
  );
}

export async function run(): Promise<void> {
  const seconds = benchDuration();
  const stamp = Date.now();
  const database = `chatty_bench_${stamp}`;
  const services = new ChildServices();
  let databaseCreated = false;
  let s3: TestS3 | undefined;
  let cleaned: Promise<void> | undefined;
  // The servers stop before the database they use is dropped.
  const cleanup = () => {
    cleaned ??= (async () => {
      await services.stopAll().catch((error) => console.error(error));
      if (databaseCreated) await dropDatabase(database).catch((error) => console.error(error));
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
    await createDatabase(database);
    databaseCreated = true;
    // The registry's readiness needs object storage; the measured route never touches it, so the
    // embedded S3 server runs here rather than as one more process competing for the cores.
    s3 = await startTestS3();
    const [registryPort, originPort, opsPort, helloPort] = await fourPorts();
    // The registry first: the origin's readiness probes it.
    const [registry, hello] = await Promise.all([
      services.start(
        {
          name: 'gpt-registry',
          entry: 'services/gpt-registry/src/server.ts',
          env: {
            REGISTRY_PORT: String(registryPort),
            REGISTRY_HOST: '127.0.0.1',
            DATABASE_URL: databaseUrl(database),
            SECRET_KEY,
            MODELS_CONFIG: MODELS_JSON,
            LOG_LEVEL: logLevel(),
            // Repeated runs sign up from 127.0.0.1 into the same Redis counters.
            AUTH_RATE_LIMIT_PER_ADDRESS: '1000000',
            ...s3.env,
          },
          nodeFlags: profileFlags(),
        },
        registryPort,
      ),
      services.start(
        { name: 'hello-world', entry: 'bench/hello-world.server.ts', env: { PORT: String(helloPort) } },
        helloPort,
      ),
    ]);
    const origin = await services.start(
      {
        name: 'web',
        entry: 'services/web/src/server.ts',
        env: {
          PORT: String(originPort),
          HOST: '127.0.0.1',
          OPS_PORT: String(opsPort),
          REGISTRY_URL: registry.url,
          LOG_LEVEL: logLevel(),
        },
        nodeFlags: profileFlags(),
        opsPort,
      },
      originPort,
    );

    // Set up as a user would, through the public origin.
    const signup = await postJson(`${origin.url}/api/auth/signup`, {
      email: `bench-${stamp}@example.com`,
      password: 'correct horse battery staple',
      name: 'Bench User',
    });
    const auth = { authorization: `Bearer ${signup.token as string}` };
    const gpt = await postJson(`${origin.url}/api/gpts`, CODE_ASSISTANT, auth);
    const path = `/api/gpts/${gpt.id as string}`;

    const targets = {
      hello: { name: 'hello-world', url: `${hello.url}/hello` },
      registry: { name: 'registry direct', url: `${registry.url}${path}`, headers: auth },
      origin: { name: 'origin (proxied)', url: `${origin.url}${path}`, headers: auth },
    } satisfies Record<string, Target>;

    console.log(
      `${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${seconds} s per target ` +
        `(BENCH_DURATION); one process per server, LOG_LEVEL=${logLevel()}; database ${database}`,
    );
    const options = { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds };
    const probe = (pid: number) => () => cpuSeconds(pid);
    const measured = {
      hello: await measure(targets.hello, options, [probe(hello.pid)]),
      registry: await measure(targets.registry, options, [probe(registry.pid)]),
      origin: await measure(targets.origin, options, [probe(origin.pid), probe(registry.pid)]),
    };
    const unloaded = await unloadedMedians([targets.registry, targets.origin], 1000);
    report(measured.hello, measured.registry, measured.origin, unloaded);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
