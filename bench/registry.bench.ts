import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
// The specifier the services use, so the bench and they share one instance (run.ts maps it to src).
import { createLogger } from '@chatty/shared';
import fastify from 'fastify';
import { createDatabase, databaseUrl, dropDatabase } from '../packages/testkit/src/index.js';
import { buildRegistry, loadRegistryConfig, prepareDatabase } from '../services/gpt-registry/src/index.js';
import { buildWeb, loadWebConfig } from '../services/web/src/index.js';

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

/** The part of autocannon's `--json` result this bench reads. */
interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface Target {
  name: string;
  url: string;
  headers?: Record<string, string>;
}

interface Measured {
  target: Target;
  result: CannonResult;
}

function benchDuration(): number {
  const raw = process.env.BENCH_DURATION ?? '10';
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new Error(`BENCH_DURATION must be a whole number of seconds ≥ 1, got "${raw}"`);
  }
  return seconds;
}

/**
 * autocannon runs as a child process (its CLI with --json), not through its in-process API. On this
 * 2-core machine the three servers already share this process's one event loop; an in-process load
 * generator would take turns on that same loop, charging the client's own work to every server and
 * flattening the differences between them (a hello-world route is mostly client cost). In a child it
 * gets the other core, much as a real client would be another machine.
 */
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon');

function autocannon(target: Target, seconds: number): Promise<CannonResult> {
  const headers = Object.entries(target.headers ?? {}).flatMap(([key, value]) => ['-H', `${key}=${value}`]);
  const args = [
    AUTOCANNON,
    '--json',
    '-c',
    String(CONNECTIONS),
    '-d',
    String(seconds),
    ...headers,
    target.url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code} on ${target.name}: ${stderr}`));
      try {
        resolve(JSON.parse(stdout) as CannonResult);
      } catch {
        reject(new Error(`autocannon printed no JSON for ${target.name}: ${stdout}${stderr}`));
      }
    });
  });
}

async function measure(target: Target, seconds: number): Promise<Measured> {
  // The warm-up lets V8 optimise the hot paths and fills the connection pools (pg, the proxy's undici).
  for (const [run, length] of [
    ['warm-up', WARMUP_SECONDS],
    ['measured', seconds],
  ] as const) {
    const result = await autocannon(target, length);
    const failed = result.non2xx + result.errors + result.timeouts;
    if (failed > 0 || result.requests.total === 0) {
      throw new Error(
        `${target.name} (${run}): ${result.non2xx} non-2xx, ${result.errors} errors, ` +
          `${result.timeouts} timeouts of ${result.requests.total} requests; the figures would be meaningless`,
      );
    }
    if (run === 'measured') return { target, result };
  }
  throw new Error('unreachable');
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

function urlOf(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') throw new Error('server is not listening on TCP');
  return `http://127.0.0.1:${address.port}`;
}

const ms = (value: number) => value.toFixed(2);
const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');

function report(hello: Measured, registry: Measured, origin: Measured, unloaded: number[]) {
  const rows = [hello, registry, origin].map(({ target, result }) => [
    target.name,
    result.requests.average.toFixed(0),
    ms(result.latency.p50),
    ms(result.latency.p99),
  ]);
  const header = ['target', 'req/s (mean)', 'p50 ms', 'p99 ms'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!)));
  console.log(`\n${line(header).join('  ')}`);
  for (const row of rows) console.log(line(row).join('  '));

  const registryShare = registry.result.requests.average / hello.result.requests.average;
  const originShare = origin.result.requests.average / registry.result.requests.average;
  const hopP50 = origin.result.latency.p50 - registry.result.latency.p50;
  console.log(
    `\nregistry req/s ÷ hello req/s    ${registryShare.toFixed(3)}  (target ≥ 0.25)  ${verdict(registryShare >= 0.25)}`,
  );
  console.log(`origin req/s ÷ registry req/s   ${originShare.toFixed(3)}`);
  console.log(`origin p50 − registry p50       ${ms(hopP50)} ms  (target ≤ 1 ms)  ${verdict(hopP50 <= 1)}`);
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
  const silent = createLogger({ name: 'bench', level: 'silent' });
  const closers: Array<() => Promise<unknown>> = [];
  let cleaned: Promise<void> | undefined;
  // Reverse order: the origin goes before the registry it proxies to, the database after everyone.
  const cleanup = () => {
    cleaned ??= (async () => {
      for (const close of closers.reverse()) await close().catch((error) => console.error(error));
    })();
    return cleaned;
  };
  // Ctrl-C would otherwise leave a database behind; the test suite's stale-database sweep ignores these.
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);

  try {
    await createDatabase(database);
    closers.push(() => dropDatabase(database));
    const config = loadRegistryConfig({
      DATABASE_URL: databaseUrl(database),
      SECRET_KEY,
      MODELS_CONFIG: MODELS_JSON,
      LOG_LEVEL: 'silent',
    });
    const db = await prepareDatabase(config, silent);
    closers.push(() => db.destroy());

    // Its own rate-limit namespace, so repeated bench runs never exhaust the signup limit for 127.0.0.1.
    const registry = await buildRegistry(config, { db, rateLimitNamespace: `chatty-bench:${stamp}:` });
    closers.push(() => registry.close());
    await registry.listen({ host: '127.0.0.1', port: 0 });
    const registryUrl = urlOf(registry.server.address());

    const web = await buildWeb(loadWebConfig({ REGISTRY_URL: registryUrl, LOG_LEVEL: 'silent' }));
    closers.push(() => web.close());
    await web.listen({ host: '127.0.0.1', port: 0 });
    const originUrl = urlOf(web.server.address());

    const hello = fastify({ logger: false });
    hello.get('/hello', async () => ({ hello: 'world' }));
    closers.push(() => hello.close());
    await hello.listen({ host: '127.0.0.1', port: 0 });
    const helloUrl = urlOf(hello.server.address());

    const signup = await postJson(`${registryUrl}/api/auth/signup`, {
      email: `bench-${stamp}@example.com`,
      password: 'correct horse battery staple',
      name: 'Bench User',
    });
    const auth = { authorization: `Bearer ${signup.token as string}` };
    const gpt = await postJson(`${registryUrl}/api/gpts`, CODE_ASSISTANT, auth);
    const path = `/api/gpts/${gpt.id as string}`;

    const targets = {
      hello: { name: 'hello-world', url: `${helloUrl}/hello` },
      registry: { name: 'registry direct', url: `${registryUrl}${path}`, headers: auth },
      origin: { name: 'origin (proxied)', url: `${originUrl}${path}`, headers: auth },
    } satisfies Record<string, Target>;

    console.log(
      `${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${seconds} s per target ` +
        `(BENCH_DURATION); database ${database}`,
    );
    const measured = {
      hello: await measure(targets.hello, seconds),
      registry: await measure(targets.registry, seconds),
      origin: await measure(targets.origin, seconds),
    };
    const unloaded = await unloadedMedians([targets.registry, targets.origin], 1000);
    report(measured.hello, measured.registry, measured.origin, unloaded);
  } finally {
    process.off('SIGINT', onSignal);
    await cleanup();
  }
}
