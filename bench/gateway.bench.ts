import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl, dropDatabase } from '../packages/testkit/src/index.js';
import {
  benchSides,
  ChildServices,
  cpuSeconds,
  distinctPorts,
  freePort,
  profileFlags,
  type Side,
} from './child-services.js';
import { printSideBySide, roundOrder, type SideFigure } from './side-by-side.js';
import { type Figures, figuresOf, type LoadResult, loadStreams, type StreamJob } from './stream-load.js';

/*
 * The inference-gateway's cost on the streaming path: three Ollama test workers stream 64 tokens 20 ms
 * apart; the same request goes to a worker directly (the baseline), to the gateway directly, and to
 * the gateway through the public origin, at each concurrency. Then one of the three workers is killed
 * a third of the way into a run, and the share of answers that still arrive whole is counted. With
 * BENCH_BASELINE_ROOT, the baseline checkout's gateway and origin serve from the same workers, in the
 * same rounds.
 */
const DEFAULT_CONCURRENCIES = [1, 16, 64, 256];
const KILL_CONCURRENCY = 64;
const FIRST_TOKEN_REQUESTS = 200;
const FIRST_TOKEN_ROUNDS = 4;
const TOKENS = 64;
const TOKEN_DELAY_MS = 20;
const SECRET_KEY = 'bench-secret-key-that-is-long-enough-0123456789';
const MESSAGES = [{ role: 'user', content: 'Count to sixty-four.' }];

function benchSeconds(): number {
  const raw = process.env.BENCH_DURATION ?? '5';
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 2)
    throw new Error(`BENCH_DURATION must be a whole number ≥ 2, got "${raw}"`);
  return seconds;
}

/** `BENCH_CONCURRENCIES=1,64` measures only those (default 1, 16, 64, 256). */
function concurrencies(): number[] {
  const raw = process.env.BENCH_CONCURRENCIES;
  if (!raw) return DEFAULT_CONCURRENCIES;
  const list = raw.split(',').map(Number);
  if (list.some((value) => !Number.isInteger(value) || value < 1))
    throw new Error(`BENCH_CONCURRENCIES must list whole numbers ≥ 1, got "${raw}"`);
  return list;
}

/** The same request asking for a one-token answer: OpenAI's `max_tokens`, Ollama's `num_predict`. */
function oneTokenAnswer<Job extends Pick<StreamJob, 'body' | 'endMarker'>>(job: Job): Job {
  const body = job.body as Record<string, unknown>;
  return {
    ...job,
    body: job.endMarker === '[DONE]' ? { ...body, max_tokens: 1 } : { ...body, options: { num_predict: 1 } },
  };
}

interface Target {
  key: string;
  name: string;
  job: Omit<StreamJob, 'concurrency' | 'durationMs'>;
  /** The gateway whose CPU this target's answers cost, if any. */
  gatewayPid?: number;
}

interface SidePaths {
  side: Side;
  gateway: Target;
  origin: Target;
}

const ms = (value: number) => value.toFixed(2).padStart(8);

/** A new account on the side's registry; its session token. */
async function signUp(registryUrl: string, sideKey: string): Promise<string> {
  const response = await fetch(`${registryUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `bench-gateway-${sideKey}-${Date.now()}@example.com`,
      password: 'correct horse battery staple',
      name: 'Bench User',
    }),
  });
  if (!response.ok) throw new Error(`sign-up answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export async function run(): Promise<void> {
  const seconds = benchSeconds();
  const levels = concurrencies();
  const sides = benchSides();
  const stamp = Date.now();
  const databases = sides.map((side) => `chatty_bench_gateway_${stamp}_${side.key}`);
  const dataDirs = sides.map((side) => mkdtempSync(join(tmpdir(), `chatty-bench-gateway-${side.key}-`)));
  const services = new ChildServices();
  let cleaned: Promise<void> | undefined;
  const cleanup = () => {
    cleaned ??= (async () => {
      await services.stopAll().catch((error) => console.error(error));
      for (const database of databases) await dropDatabase(database).catch((error) => console.error(error));
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    })();
    return cleaned;
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const workerPorts = [await freePort(), await freePort(), await freePort()];
    const controlPort = await freePort();
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
    const openAiBody = { model: 'phi3', messages: MESSAGES, stream: true };
    const paths: SidePaths[] = [];
    for (const [index, side] of sides.entries()) {
      const [registryPort, gatewayPort, originPort, opsPort] = await distinctPorts(4);
      const suffix = side.key === 'work' ? '' : ` (${side.label})`;
      const common = {
        DATABASE_URL: databaseUrl(databases[index]!),
        REDIS_PREFIX: `chatty-bench-gateway-${stamp}-${side.key}`,
        SECRET_KEY,
        MODELS_CONFIG: join(side.root, 'models.json'),
        LOG_LEVEL: 'silent',
      };
      // The registry answers whether a session is still live (the gateway asks it, through the shared
      // cache), so a real account's token is what the requests carry, as they do in deployment.
      const registry = await services.start(
        {
          name: `gpt-registry${suffix}`,
          entry: 'services/gpt-registry/src/server.ts',
          root: side.root,
          env: {
            ...common,
            REGISTRY_PORT: String(registryPort),
            REGISTRY_HOST: '127.0.0.1',
            DATA_DIR: dataDirs[index]!,
            GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
            AUTH_RATE_LIMIT_PER_ADDRESS: '1000000',
          },
        },
        registryPort!,
      );
      const headers = { authorization: `Bearer ${await signUp(registry.url, side.key)}` };
      const gateway = await services.start(
        {
          name: `inference-gateway${suffix}`,
          entry: 'services/inference-gateway/src/server.ts',
          root: side.root,
          env: {
            ...common,
            GATEWAY_PORT: String(gatewayPort),
            GATEWAY_HOST: '127.0.0.1',
            REGISTRY_URL: registry.url,
            OLLAMA_URLS: workerUrls.join(','),
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
          nodeFlags: profileFlags(side),
        },
        gatewayPort!,
      );
      const origin = await services.start(
        {
          name: `web${suffix}`,
          entry: 'services/web/src/server.ts',
          root: side.root,
          env: {
            PORT: String(originPort),
            OPS_PORT: String(opsPort),
            REGISTRY_URL: registry.url,
            GATEWAY_URL: gateway.url,
            LOG_LEVEL: 'silent',
            // Every virtual user of the load generator comes from 127.0.0.1.
            MAX_CONNECTIONS_PER_IP: '4096',
          },
          opsPort: opsPort!,
        },
        originPort!,
      );
      const label = sides.length === 1 ? '' : `, ${side.key}`;
      const openAi = (url: string) => ({
        urls: [`${url}/v1/chat/completions`],
        headers,
        body: openAiBody,
        endMarker: '[DONE]',
      });
      paths.push({
        side,
        gateway: {
          key: `${side.key}-gateway`,
          name: `gateway${label}`,
          job: openAi(gateway.url),
          gatewayPid: gateway.pid,
        },
        origin: {
          key: `${side.key}-origin`,
          name: `origin → gateway${label}`,
          job: openAi(origin.url),
          gatewayPid: gateway.pid,
        },
      });
    }
    const direct: Target = {
      key: 'direct',
      name: 'direct (Ollama)',
      job: {
        urls: workerUrls.map((url) => `${url}/api/chat`),
        headers: {},
        body: { model: 'phi3', messages: MESSAGES, stream: true },
        endMarker: '"done":true',
      },
    };
    const targets = [direct, ...paths.flatMap((each) => [each.gateway, each.origin])];
    // The floor of one hop, for the first-token figures only: what a bare Node proxy adds.
    const bareProxyPort = await freePort();
    const bareProxy = await services.start(
      {
        name: 'bare-proxy',
        entry: 'bench/gateway/bare-proxy.server.ts',
        env: { PORT: String(bareProxyPort), UPSTREAMS: workerUrls.join(',') },
      },
      bareProxyPort,
    );
    const bare: Target = { ...direct, key: 'bare-proxy', name: 'bare Node proxy → Ollama' };
    bare.job = { ...direct.job, urls: [`${bareProxy.url}/api/chat`] };
    const firstTargets = [direct, bare, ...targets.slice(1)];

    console.log(
      `3 workers × ${TOKENS} tokens × ${TOKEN_DELAY_MS} ms; ${seconds} s per run (BENCH_DURATION), ` +
        `rounds rotating the order of the targets; gateway and origin each in their own process; times in ms; ` +
        `sides: ${sides.map((side) => `${side.label} (${side.root})`).join(', ')}`,
    );
    // At concurrency 1 a timed run holds a handful of answers; the time to first token alone is taken
    // from many requests, in two ways: each stream closed after its first token, so that every hop
    // opens a new connection for the next (the worst case), and one-token answers read whole, so that
    // the connections are kept as a browser and the services' pools keep them.
    const firstTokens = async (readWhole: boolean) => {
      const runs = new Map<string, LoadResult[]>(firstTargets.map((each) => [each.key, []]));
      for (let round = 0; round < FIRST_TOKEN_ROUNDS; round++) {
        for (const each of roundOrder(firstTargets, round)) {
          const job = readWhole ? oneTokenAnswer(each.job) : each.job;
          runs.get(each.key)!.push(
            await loadStreams({
              ...job,
              concurrency: 1,
              durationMs: 0,
              firstTokens: FIRST_TOKEN_REQUESTS / FIRST_TOKEN_ROUNDS,
              readWhole,
            }),
          );
        }
      }
      // A target that fails its answers makes every figure after it meaningless: stop and say why.
      for (const [key, list] of runs) {
        const failed = list.find((result) => result.failures > 0);
        if (failed) throw new Error(`${key} failed its answers, e.g. ${failed.failureExamples.join(' | ')}`);
      }
      const figures = new Map([...runs].map(([key, list]) => [key, figuresOf(...list)]));
      console.log(
        `\ntime to first token, 1 at a time, ${FIRST_TOKEN_REQUESTS} requests each, ` +
          `${readWhole ? 'one-token answers read whole (connections kept)' : 'each closed after its first token (new connections)'} (ms):`,
      );
      console.log(`${'target'.padEnd(26)}     p50      p99`);
      for (const each of firstTargets) {
        const { ttft50, ttft99 } = figures.get(each.key)!;
        console.log(`${each.name.padEnd(26)}${ms(ttft50)} ${ms(ttft99)}`);
      }
      const bareFirst = figures.get(bare.key)!;
      console.log(
        `one bare Node hop adds ${(bareFirst.ttft50 - figures.get('direct')!.ttft50).toFixed(2)} ms p50, ` +
          `${(bareFirst.ttft99 - figures.get('direct')!.ttft99).toFixed(2)} ms p99: the floor per process ` +
          'in the path (origin → gateway has two)',
      );
      return figures;
    };
    const first = await firstTokens(false);
    const kept = await firstTokens(true);

    console.log(
      `\nconc  ${'target'.padEnd(26)} reqs  fail    req/s  ttft p50  ttft p99  total p50  total p99  gw CPU ms/req`,
    );
    const rounds = sides.length === 1 ? 1 : 2;
    const byLevel = new Map<number, Map<string, Figures>>();
    for (const concurrency of levels) {
      const runs = new Map<string, LoadResult[]>(targets.map((each) => [each.key, []]));
      const cpu = new Map<string, number>();
      for (let round = 0; round < rounds; round++) {
        for (const each of roundOrder(targets, round)) {
          const before = each.gatewayPid === undefined ? undefined : cpuSeconds(each.gatewayPid);
          runs
            .get(each.key)!
            .push(await loadStreams({ ...each.job, concurrency, durationMs: seconds * 1000 }));
          const after = each.gatewayPid === undefined ? undefined : cpuSeconds(each.gatewayPid);
          if (before !== undefined && after !== undefined)
            cpu.set(each.key, (cpu.get(each.key) ?? 0) + after - before);
        }
      }
      const measured = new Map([...runs].map(([key, list]) => [key, figuresOf(...list)]));
      byLevel.set(concurrency, measured);
      for (const each of targets) {
        const figures = measured.get(each.key)!;
        const spent = cpu.get(each.key);
        const cpuCell = spent === undefined ? '-' : ((spent * 1000) / figures.requests).toFixed(2);
        console.log(
          `${String(concurrency).padStart(4)}  ${each.name.padEnd(26)}${String(figures.requests).padStart(5)} ` +
            `${String(figures.failures).padStart(5)} ${figures.rps.toFixed(1).padStart(8)}  ${ms(figures.ttft50)}  ${ms(figures.ttft99)}` +
            `   ${ms(figures.total50)}   ${ms(figures.total99)}  ${cpuCell.padStart(13)}`,
        );
      }
    }

    const bySide = (pick: (each: SidePaths) => number) =>
      Object.fromEntries(paths.map((each) => [each.side.key, pick(each)]));
    const directFirst = first.get('direct')!;
    const directKept = kept.get('direct')!;
    const figures: SideFigure[] = [
      {
        label: 'c=1 gateway +ttft p50',
        values: bySide((each) => first.get(each.gateway.key)!.ttft50 - directFirst.ttft50),
        unit: 'ms vs direct',
      },
      {
        label: 'c=1 gateway +ttft p99',
        values: bySide((each) => first.get(each.gateway.key)!.ttft99 - directFirst.ttft99),
        unit: 'ms vs direct',
      },
      {
        label: 'c=1 origin hop ttft p50',
        values: bySide((each) => first.get(each.origin.key)!.ttft50 - first.get(each.gateway.key)!.ttft50),
        unit: 'ms, origin − gateway',
      },
      {
        label: 'c=1 origin→gateway +ttft p50',
        values: bySide((each) => first.get(each.origin.key)!.ttft50 - directFirst.ttft50),
        unit: 'ms vs direct',
        target: '≤ 1',
        meets: (value) => value <= 1,
      },
      {
        label: 'c=1 origin→gateway +ttft p99',
        values: bySide((each) => first.get(each.origin.key)!.ttft99 - directFirst.ttft99),
        unit: 'ms vs direct',
      },
      {
        label: 'c=1 kept: gateway +ttft p50',
        values: bySide((each) => kept.get(each.gateway.key)!.ttft50 - directKept.ttft50),
        unit: 'ms vs direct, connections kept',
      },
      {
        label: 'c=1 kept: origin→gateway +ttft p50',
        values: bySide((each) => kept.get(each.origin.key)!.ttft50 - directKept.ttft50),
        unit: 'ms vs direct, connections kept',
        target: '≤ 1',
        meets: (value) => value <= 1,
      },
      {
        label: 'c=1 kept: origin→gateway +ttft p99',
        values: bySide((each) => kept.get(each.origin.key)!.ttft99 - directKept.ttft99),
        unit: 'ms vs direct, connections kept',
      },
    ];
    for (const [concurrency, measured] of byLevel) {
      const directLevel = measured.get('direct')!;
      figures.push(
        {
          label: `c=${concurrency} gateway req/s ÷ direct`,
          values: bySide((each) => measured.get(each.gateway.key)!.rps / directLevel.rps),
          digits: 3,
          ...(concurrency === 64 ? { target: '≥ 0.9', meets: (value: number) => value >= 0.9 } : {}),
        },
        {
          label: `c=${concurrency} gateway total p50 ÷ direct`,
          values: bySide((each) => measured.get(each.gateway.key)!.total50 / directLevel.total50),
          digits: 4,
          target: '≤ 1.02',
          meets: (value) => value <= 1.02,
        },
        {
          label: `c=${concurrency} origin hop ttft p50`,
          values: bySide(
            (each) => measured.get(each.origin.key)!.ttft50 - measured.get(each.gateway.key)!.ttft50,
          ),
          unit: 'ms, origin − gateway',
          ...(concurrency === 64 ? { target: '≤ 1', meets: (value: number) => value <= 1 } : {}),
        },
        {
          label: `c=${concurrency} origin→gw req/s ÷ direct`,
          values: bySide((each) => measured.get(each.origin.key)!.rps / directLevel.rps),
          digits: 3,
        },
        {
          label: `c=${concurrency} errors (gateway + origin)`,
          values: bySide(
            (each) => measured.get(each.gateway.key)!.failures + measured.get(each.origin.key)!.failures,
          ),
          digits: 0,
          target: '0',
          meets: (value) => value === 0,
        },
      );
    }

    // One worker of three dies a third of the way in; its streams are resumed elsewhere or fail. The
    // worker comes back for the next side's run.
    for (const each of paths) {
      const killRun = loadStreams({
        ...each.gateway.job,
        concurrency: KILL_CONCURRENCY,
        durationMs: seconds * 2000,
      });
      await new Promise((resolve) => setTimeout(resolve, 500 + (seconds * 2000) / 3));
      await fetch(`${workers.url}/kill?worker=0`, { method: 'POST' });
      const killed = await killRun;
      await fetch(`${workers.url}/revive?worker=0`, { method: 'POST' });
      const ok = killed.samples.length;
      const total = ok + killed.failures;
      figures.push({
        label: `worker killed, c=${KILL_CONCURRENCY}: whole answers`,
        values: { [each.side.key]: (100 * ok) / total },
        digits: 2,
        unit: `%, ${seconds * 2} s`,
        target: '≥ 99.9',
        meets: (value) => value >= 99.9,
      });
      if (killed.failureExamples.length)
        console.log(
          `worker killed (${each.side.label}): failures e.g. ${killed.failureExamples.join(' | ')}`,
        );
      // Its health check brings the worker back into the pool.
      await new Promise((resolve) => setTimeout(resolve, 2500));
    }
    printSideBySide(
      'inference-gateway, /v1/chat/completions on a base model',
      sides,
      mergeSameLabels(figures),
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

/** The killed-worker figure is measured per side; its rows become one. */
function mergeSameLabels(figures: SideFigure[]): SideFigure[] {
  const merged = new Map<string, SideFigure>();
  for (const figure of figures) {
    const seen = merged.get(figure.label);
    if (seen) seen.values = { ...seen.values, ...figure.values };
    else merged.set(figure.label, { ...figure });
  }
  return [...merged.values()];
}
