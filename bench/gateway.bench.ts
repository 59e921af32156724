import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSessionTokens, deriveKey } from '@chatty/shared';
import { databaseUrl, dropDatabase } from '../packages/testkit/src/index.js';
import { ChildServices, cpuSeconds, freePort } from './child-services.js';

/*
 * The inference-gateway's cost on the streaming path: three Ollama test workers stream 64 tokens 20 ms
 * apart; the same request goes to a worker directly (the baseline), to the gateway directly, and to
 * the gateway through the public origin, at each concurrency. Then one of the three workers is killed
 * a third of the way into a run, and the share of answers that still arrive whole is counted.
 */
const CONCURRENCIES = [1, 16, 64, 256];
const KILL_CONCURRENCY = 64;
const FIRST_TOKEN_REQUESTS = 200;
const TOKENS = 64;
const TOKEN_DELAY_MS = 20;
const SECRET_KEY = 'bench-secret-key-that-is-long-enough-0123456789';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../tsconfig.test.json', import.meta.url));
const MODELS_JSON = fileURLToPath(new URL('../models.json', import.meta.url));
const MESSAGES = [{ role: 'user', content: 'Count to sixty-four.' }];

interface Sample {
  ttft: number;
  total: number;
}

interface LoadResult {
  samples: Sample[];
  failures: number;
  failureExamples: string[];
  elapsedMs: number;
}

interface Figures {
  requests: number;
  failures: number;
  rps: number;
  ttft50: number;
  ttft99: number;
  total50: number;
  total99: number;
}

function benchSeconds(): number {
  const raw = process.env.BENCH_DURATION ?? '5';
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 2)
    throw new Error(`BENCH_DURATION must be a whole number ≥ 2, got "${raw}"`);
  return seconds;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function figuresOf(result: LoadResult): Figures {
  const ttft = result.samples.map((sample) => sample.ttft);
  const total = result.samples.map((sample) => sample.total);
  return {
    requests: result.samples.length + result.failures,
    failures: result.failures,
    rps: result.samples.length / (result.elapsedMs / 1000),
    ttft50: percentile(ttft, 50),
    ttft99: percentile(ttft, 99),
    total50: percentile(total, 50),
    total99: percentile(total, 99),
  };
}

/** The load generator in a child process of its own (see stream-load.client.ts). */
function load(job: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/gateway/stream-load.client.ts', JSON.stringify(job)],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', TSX_TSCONFIG_PATH: TSCONFIG },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as LoadResult)
        : reject(new Error(`load generator failed:\n${stderr}`)),
    );
  });
}

/** `BENCH_CPU_PROF=<dir>` profiles the gateway process (see bench/README.md, registry). */
function profileFlags(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return [];
  mkdirSync(resolve(dir), { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${resolve(dir)}`];
}

const ms = (value: number) => value.toFixed(2).padStart(8);

export async function run(): Promise<void> {
  const seconds = benchSeconds();
  const database = `chatty_bench_gateway_${Date.now()}`;
  const services = new ChildServices();
  let cleaned: Promise<void> | undefined;
  const cleanup = () => {
    cleaned ??= (async () => {
      await services.stopAll().catch((error) => console.error(error));
      await dropDatabase(database).catch((error) => console.error(error));
    })();
    return cleaned;
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const workerPorts = [await freePort(), await freePort(), await freePort()];
    const [controlPort, gatewayPort, originPort, opsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const workers = await services.start(
      {
        name: 'ollama-workers',
        entry: 'bench/gateway/ollama-workers.server.ts',
        env: {
          PORT: String(controlPort),
          WORKER_PORTS: workerPorts.join(','),
          TOKENS: String(TOKENS),
          TOKEN_DELAY_MS: String(TOKEN_DELAY_MS),
        },
      },
      controlPort,
    );
    const workerUrls = workerPorts.map((port) => `http://127.0.0.1:${port}`);
    const gateway = await services.start(
      {
        name: 'inference-gateway',
        entry: 'services/inference-gateway/src/server.ts',
        env: {
          GATEWAY_PORT: String(gatewayPort),
          DATABASE_URL: databaseUrl(database),
          SECRET_KEY,
          MODELS_CONFIG: MODELS_JSON,
          OLLAMA_URLS: workerUrls.join(','),
          LOG_LEVEL: 'silent',
          // The test workers are not GPUs: the cap is lifted so that the bench measures the gateway's
          // own cost, not Ollama's parallelism (4 by default).
          WORKER_CONCURRENCY: '256',
          WORKER_QUEUE_LIMIT: '1024',
          WORKER_HEALTH_INTERVAL_MS: '1000',
          // One bench user sends up to 256 streams at once: the fair-use limits would refuse them.
          CHAT_RATE_PER_MINUTE: '0',
          CHAT_MAX_CONCURRENT: '0',
          CHAT_KEY_RATE_PER_MINUTE: '0',
          CHAT_KEY_MAX_CONCURRENT: '0',
        },
        nodeFlags: profileFlags(),
      },
      gatewayPort,
    );
    const origin = await services.start(
      {
        name: 'web',
        entry: 'services/web/src/server.ts',
        env: {
          PORT: String(originPort),
          OPS_PORT: String(opsPort),
          // Not on the measured path; the control server answers the origin's health probe of it.
          REGISTRY_URL: workers.url,
          GATEWAY_URL: gateway.url,
          LOG_LEVEL: 'silent',
        },
        opsPort,
      },
      originPort,
    );
    const token = await createSessionTokens(deriveKey(SECRET_KEY, 'session-token')).sign(randomUUID());
    const headers = { authorization: `Bearer ${token}` };
    const ollamaJob = {
      urls: workerUrls.map((url) => `${url}/api/chat`),
      headers: {},
      body: { model: 'phi3', messages: MESSAGES, stream: true },
      endMarker: '"done":true',
    };
    const openAiBody = { model: 'phi3', messages: MESSAGES, stream: true };
    const gatewayJob = {
      urls: [`${gateway.url}/v1/chat/completions`],
      headers,
      body: openAiBody,
      endMarker: '[DONE]',
    };
    const originJob = {
      urls: [`${origin.url}/v1/chat/completions`],
      headers,
      body: openAiBody,
      endMarker: '[DONE]',
    };

    console.log(
      `3 workers × ${TOKENS} tokens × ${TOKEN_DELAY_MS} ms; ${seconds} s per run (BENCH_DURATION); ` +
        'gateway and origin each in their own process; times in ms',
    );
    // At concurrency 1 a timed run holds a handful of answers; the time to first token alone is taken
    // from many requests, each closed after its first token.
    console.log(`\ntime to first token, 1 at a time, ${FIRST_TOKEN_REQUESTS} requests each (ms):`);
    console.log('target              p50      p99');
    const firstTokens: Record<string, Figures> = {};
    for (const [name, job] of [
      ['direct (Ollama)', ollamaJob],
      ['gateway', gatewayJob],
      ['origin → gateway', originJob],
    ] as const) {
      const figures = figuresOf(
        await load({ ...job, concurrency: 1, durationMs: 0, firstTokens: FIRST_TOKEN_REQUESTS }),
      );
      firstTokens[name] = figures;
      console.log(
        `${name.padEnd(16)} ${ms(figures.ttft50)} ${ms(figures.ttft99)}${figures.failures ? `  (${figures.failures} failed)` : ''}`,
      );
    }
    const addedFirst = (name: string, key: 'ttft50' | 'ttft99') =>
      firstTokens[name]![key] - firstTokens['direct (Ollama)']![key];

    console.log(
      '\nconc  target           reqs  fail    req/s  ttft p50  ttft p99  total p50  total p99  gw CPU ms/req',
    );
    const rows: Array<{ concurrency: number; direct: Figures; gateway: Figures; origin: Figures }> = [];
    for (const concurrency of CONCURRENCIES) {
      const common = { concurrency, durationMs: seconds * 1000 };
      const measured: Record<string, Figures> = {};
      for (const [name, job] of [
        ['direct (Ollama)', ollamaJob],
        ['gateway', gatewayJob],
        ['origin → gateway', originJob],
      ] as const) {
        const cpuBefore = cpuSeconds(gateway.pid);
        const figures = figuresOf(await load({ ...job, ...common }));
        const cpuAfter = cpuSeconds(gateway.pid);
        const cpu =
          name === 'direct (Ollama)' || cpuBefore === undefined || cpuAfter === undefined
            ? '-'
            : (((cpuAfter - cpuBefore) * 1000) / figures.requests).toFixed(2);
        measured[name] = figures;
        console.log(
          `${String(concurrency).padStart(4)}  ${name.padEnd(16)} ${String(figures.requests).padStart(5)} ` +
            `${String(figures.failures).padStart(5)} ${figures.rps.toFixed(1).padStart(8)}  ${ms(figures.ttft50)}  ${ms(figures.ttft99)}` +
            `   ${ms(figures.total50)}   ${ms(figures.total99)}  ${cpu.padStart(13)}`,
        );
      }
      rows.push({
        concurrency,
        direct: measured['direct (Ollama)']!,
        gateway: measured.gateway!,
        origin: measured['origin → gateway']!,
      });
    }

    console.log('\nadded by the gateway, against the direct connection in the same run:');
    console.log('conc  path              +ttft p50  +ttft p99  total p50 ratio  req/s ratio  errors');
    for (const row of rows) {
      for (const [name, figures] of [
        ['gateway', row.gateway],
        ['origin → gateway', row.origin],
      ] as const) {
        console.log(
          `${String(row.concurrency).padStart(4)}  ${name.padEnd(16)} ${ms(figures.ttft50 - row.direct.ttft50)}   ${ms(figures.ttft99 - row.direct.ttft99)}` +
            `   ${(figures.total50 / row.direct.total50).toFixed(4).padStart(14)}  ${(figures.rps / row.direct.rps).toFixed(3).padStart(11)}  ${String(figures.failures).padStart(6)}`,
        );
      }
    }
    const top = rows.find((row) => row.concurrency === 256)!;
    const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');
    console.log(
      `\ntargets (gateway direct; through the origin in brackets):` +
        `\n  +ttft p50 ≤ 2 ms at c=1: ${verdict(addedFirst('gateway', 'ttft50') <= 2)} ` +
        `(${addedFirst('gateway', 'ttft50').toFixed(2)} [${addedFirst('origin → gateway', 'ttft50').toFixed(2)}])` +
        `\n  +ttft p99 ≤ 5 ms at c=1: ${verdict(addedFirst('gateway', 'ttft99') <= 5)} ` +
        `(${addedFirst('gateway', 'ttft99').toFixed(2)} [${addedFirst('origin → gateway', 'ttft99').toFixed(2)}])\n  ` +
        `total p50 ratio ≤ 1.02 at every c: ${verdict(rows.every((row) => row.gateway.total50 / row.direct.total50 <= 1.02))} ` +
        `[${verdict(rows.every((row) => row.origin.total50 / row.direct.total50 <= 1.02))}]` +
        `\n  req/s ratio ≥ 0.9 at c=256: ${verdict(top.gateway.rps / top.direct.rps >= 0.9)} ` +
        `(${(top.gateway.rps / top.direct.rps).toFixed(3)} [${(top.origin.rps / top.direct.rps).toFixed(3)}])` +
        `\n  errors 0: ${verdict(rows.every((row) => row.gateway.failures + row.origin.failures === 0))}`,
    );

    // One worker of three dies a third of the way in; its streams are resumed elsewhere or fail.
    const killRun = load({ ...gatewayJob, concurrency: KILL_CONCURRENCY, durationMs: seconds * 2000 });
    await new Promise((resolve) => setTimeout(resolve, 500 + (seconds * 2000) / 3));
    await fetch(`${workers.url}/kill?worker=0`, { method: 'POST' });
    const killed = await killRun;
    const ok = killed.samples.length;
    const total = ok + killed.failures;
    console.log(
      `\nworker killed mid-run (c=${KILL_CONCURRENCY}, ${seconds * 2} s): ${ok}/${total} answers whole = ` +
        `${((100 * ok) / total).toFixed(2)}% (target ≥ 99.9%) ${verdict(ok / total >= 0.999)}` +
        (killed.failureExamples.length ? `; failures e.g. ${killed.failureExamples.join(' | ')}` : ''),
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
