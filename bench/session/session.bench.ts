import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDatabase, dropDatabase } from '../../packages/testkit/src/index.js';
import { benchSides, ChildServices, cpuSeconds, distinctPorts, type Side } from '../child-services.js';
import { ONE_TOKEN_ANSWER } from '../gateway/one-token-answer.js';
import { printSideBySide, roundOrder, type SideFigure } from '../side-by-side.js';
import { type Figures, figuresOf, type LoadResult, loadStreams, type StreamJob } from '../stream-load.js';
import { HISTORY_TURNS, QUESTION, setUpGptUser } from './gpt-user.js';
import { type Platform, type SideState, sideState, startPlatform } from './platform.js';
import { summariseProfiles } from './profiles.js';
import { deleteRedisKeys } from './redis-keys.js';

/*
 * A GPT session message as a user meets it — through the public origin to the gateway, for a GPT with
 * instructions, one knowledge file and one action, in a session with a few turns of history — against
 * the same model worker asked directly. The worker (the testkit's Ollama server) streams 64 tokens
 * 20 ms apart, so everything above the direct figures is the platform's.
 */
const TOKENS = 64;
const TOKEN_DELAY_MS = 20;
const CONCURRENCY = 64;
const FIRST_TOKEN_REQUESTS = 200;
const FIRST_TOKEN_ROUNDS = 4;
const TIMED_ROUNDS = 2;

function benchSeconds(): number {
  const raw = process.env.BENCH_DURATION ?? '5';
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 2)
    throw new Error(`BENCH_DURATION must be a whole number ≥ 2, got "${raw}"`);
  return seconds;
}

interface Target {
  name: string;
  /** `direct`, a side's key (its session), or the side's key + `-v1` (its /v1 completions). */
  key: string;
  job: Omit<StreamJob, 'concurrency' | 'durationMs'>;
}

/** The direct request carries what the gateway would send: instructions, history and the question. */
function directTarget(workerUrl: string): Target {
  const messages = [
    { role: 'system', content: 'You help the staff of Harbour Cafe.' },
    ...HISTORY_TURNS.flatMap((content) => [
      { role: 'user', content },
      { role: 'assistant', content: 'An earlier answer.' },
    ]),
    { role: 'user', content: QUESTION },
  ];
  return {
    name: 'worker directly',
    key: 'direct',
    job: {
      urls: [`${workerUrl}/api/chat`],
      headers: {},
      body: { model: 'phi3', messages, stream: true },
      endMarker: '"done":true',
    },
  };
}

function sessionTarget(platform: Platform, auth: Record<string, string>, sessionIds: string[]): Target {
  return {
    name: `session via origin, ${platform.side.label}`,
    key: platform.side.key,
    job: {
      // Each virtual user talks in a session of its own (user i takes session i).
      urls: sessionIds.map((id) => `${platform.origin.url}/api/sessions/${id}/messages`),
      headers: { ...auth, accept: 'text/event-stream' },
      body: { content: QUESTION },
      endMarker: 'event: done',
      firstTokenMarker: 'event: delta',
      // The `done` event carries the whole message with its citations.
      tailChars: 16_384,
    },
  };
}

/** The same turn as a /v1 completion from the GPT: the history travels in the request. */
function openAiTarget(platform: Platform, auth: Record<string, string>, gptId: string): Target {
  const messages = [
    ...HISTORY_TURNS.flatMap((content) => [
      { role: 'user', content },
      { role: 'assistant', content: 'An earlier answer.' },
    ]),
    { role: 'user', content: QUESTION },
  ];
  return {
    name: `/v1 from the GPT via origin, ${platform.side.label}`,
    key: `${platform.side.key}-v1`,
    job: {
      urls: [`${platform.origin.url}/v1/chat/completions`],
      headers: auth,
      body: { model: gptId, messages, stream: true },
      endMarker: '[DONE]',
      tailChars: 16_384,
    },
  };
}

/** The same request with a question that gets a one-token answer (ONE_TOKEN_ANSWER). */
function oneTokenAnswer(job: Target['job']): Target['job'] {
  const body = job.body as { content?: string; messages?: Array<{ role: string; content: string }> };
  if (body.content !== undefined)
    return { ...job, body: { ...body, content: body.content + ONE_TOKEN_ANSWER } };
  const messages = body.messages!.map((message, index, all) =>
    index === all.length - 1 ? { ...message, content: message.content + ONE_TOKEN_ANSWER } : message,
  );
  return { ...job, body: { ...body, messages } };
}

function checked(target: Target, result: LoadResult): LoadResult {
  if (result.failures > 0 || result.samples.length === 0) {
    throw new Error(
      `${target.name}: ${result.failures} of ${result.samples.length + result.failures} answers failed ` +
        `(${result.failureExamples.join(' | ')}); the figures would mean nothing`,
    );
  }
  return result;
}

/** `BENCH_CPU_PROF=<dir>`: the gateway and the origin of each side write CPU profiles there. */
function profileDir(): string | undefined {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return undefined;
  mkdirSync(resolve(dir), { recursive: true });
  return resolve(dir);
}

const ms = (value: number) => value.toFixed(2).padStart(9);

function printRow(concurrency: number, name: string, figures: Figures, cpu = '') {
  console.log(
    `${String(concurrency).padStart(4)}  ${name.padEnd(50)}${String(figures.requests).padStart(5)}` +
      `${figures.rps.toFixed(1).padStart(8)}${ms(figures.ttft50)}${ms(figures.ttft99)}` +
      `${ms(figures.total50)}${ms(figures.total99)}  ${cpu}`,
  );
}

export async function run(): Promise<void> {
  const seconds = benchSeconds();
  const sides = benchSides();
  const stamp = Date.now();
  const profiles = profileDir();
  const services = new ChildServices();
  const platforms: Platform[] = [];
  const states: Array<SideState & { databaseCreated?: boolean }> = [];
  let cleaned: Promise<void> | undefined;
  // The servers stop before the databases, objects and Redis keys they use are removed.
  const cleanup = () => {
    cleaned ??= (async () => {
      await services.stopAll().catch((error) => console.error(error));
      for (const state of states) {
        if (state.databaseCreated) await dropDatabase(state.database).catch((error) => console.error(error));
        rmSync(state.dataDir, { recursive: true, force: true });
        await deleteRedisKeys(state.redisUrl, state.redisPrefix).catch((error) => console.error(error));
      }
    })();
    return cleaned;
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const [workerPort, controlPort, targetPort] = await distinctPorts(3);
    await services.start(
      {
        name: 'ollama-worker',
        entry: 'bench/gateway/ollama-workers.server.ts',
        env: {
          PORT: String(controlPort),
          WORKER_PORTS: String(workerPort),
          TOKENS: String(TOKENS),
          TOKEN_DELAY_MS: String(TOKEN_DELAY_MS),
        },
      },
      controlPort!,
    );
    const target = await services.start(
      { name: 'action-target', entry: 'bench/action-target.server.ts', env: { PORT: String(targetPort) } },
      targetPort!,
    );
    const workerUrl = `http://127.0.0.1:${workerPort}`;
    const startedAt = new Map<Side['key'], number>();
    for (const side of sides) {
      const state: SideState & { databaseCreated?: boolean } = sideState(side, stamp);
      states.push(state);
      await createDatabase(state.database);
      state.databaseCreated = true;
      startedAt.set(side.key, Date.now());
      platforms.push(
        await startPlatform(services, side, state, {
          workerUrl,
          targetHost: `127.0.0.1:${targetPort}`,
          logLevel: process.env.BENCH_LOG_LEVEL ?? 'silent',
          profileFlags: (service) =>
            profiles && (service === 'inference-gateway' || service === 'web')
              ? ['--cpu-prof', `--cpu-prof-dir=${join(profiles, `${side.key}-${service}`)}`]
              : [],
        }),
      );
    }

    const targets: Target[] = [directTarget(workerUrl)];
    // Measured for first tokens only, beside the sessions.
    const openAiTargets: Target[] = [];
    for (const platform of platforms) {
      const user = await setUpGptUser(platform.origin.url, {
        email: `bench-${stamp}-${platform.side.key}@example.com`,
        targetUrl: target.url,
        sessions: CONCURRENCY,
      });
      targets.push(sessionTarget(platform, user.auth, user.sessionIds));
      openAiTargets.push(openAiTarget(platform, user.auth, user.gptId));
    }
    const measuringFrom = Date.now();
    console.log(
      `1 worker × ${TOKENS} tokens × ${TOKEN_DELAY_MS} ms; a GPT with instructions, 1 knowledge file, ` +
        `1 action; ${HISTORY_TURNS.length} turns of history; sides: ${sides.map((s) => `${s.label} (${s.root})`).join(', ')}`,
    );

    // Time to first token one at a time, each request closed after its first token (nothing is stored,
    // so the history stays as set up), in rounds that rotate which target goes first.
    const firstTargets = [...targets, ...openAiTargets];
    const firstTokens = new Map<Target['key'], LoadResult[]>(firstTargets.map((t) => [t.key, []]));
    for (let round = 0; round < FIRST_TOKEN_ROUNDS; round++) {
      for (const each of roundOrder(firstTargets, round)) {
        const job = {
          ...each.job,
          concurrency: 1,
          durationMs: 0,
          firstTokens: FIRST_TOKEN_REQUESTS / FIRST_TOKEN_ROUNDS,
        };
        firstTokens.get(each.key)!.push(checked(each, await loadStreams(job)));
      }
    }
    const first = new Map([...firstTokens].map(([key, results]) => [key, figuresOf(...results)]));
    // The same with one-token answers read whole: every connection on the path is kept for the next
    // request, as a browser's and the services' pools keep them. Each answer is stored, so the
    // sessions grow by a few turns (as they do in the timed runs).
    const keptTokens = new Map<Target['key'], LoadResult[]>(firstTargets.map((t) => [t.key, []]));
    for (let round = 0; round < FIRST_TOKEN_ROUNDS; round++) {
      for (const each of roundOrder(firstTargets, round)) {
        const job = {
          ...oneTokenAnswer(each.job),
          concurrency: 1,
          durationMs: 0,
          firstTokens: FIRST_TOKEN_REQUESTS / FIRST_TOKEN_ROUNDS,
          readWhole: true,
        };
        keptTokens.get(each.key)!.push(checked(each, await loadStreams(job)));
      }
    }
    const kept = new Map([...keptTokens].map(([key, results]) => [key, figuresOf(...results)]));

    // Whole answers, timed runs at concurrency 1 and 64, rounds alternating as above.
    const timed = new Map<number, Map<Target['key'], Figures>>();
    const cpu = new Map<number, Map<Side['key'], { gateway: number; origin: number }>>();
    for (const concurrency of [1, CONCURRENCY]) {
      const results = new Map<Target['key'], LoadResult[]>(targets.map((t) => [t.key, []]));
      const cpuSpent = new Map<Side['key'], { gateway: number; origin: number }>();
      for (let round = 0; round < TIMED_ROUNDS; round++) {
        for (const each of roundOrder(targets, round)) {
          const platform = platforms.find((p) => p.side.key === each.key);
          const before = platform && [cpuSeconds(platform.gateway.pid), cpuSeconds(platform.origin.pid)];
          const result = await loadStreams({ ...each.job, concurrency, durationMs: seconds * 1000 });
          results.get(each.key)!.push(checked(each, result));
          if (platform && before) {
            const spent = cpuSpent.get(platform.side.key) ?? { gateway: 0, origin: 0 };
            spent.gateway += (cpuSeconds(platform.gateway.pid) ?? 0) - (before[0] ?? 0);
            spent.origin += (cpuSeconds(platform.origin.pid) ?? 0) - (before[1] ?? 0);
            cpuSpent.set(platform.side.key, spent);
          }
        }
      }
      timed.set(concurrency, new Map([...results].map(([key, list]) => [key, figuresOf(...list)])));
      cpu.set(concurrency, cpuSpent);
    }

    console.log(
      `\nconc  ${'target'.padEnd(50)} reqs   ans/s ttft p50 ttft p99 total p50 total p99  CPU ms/answer`,
    );
    for (const each of firstTargets) printRow(1, `${each.name} (first token only)`, first.get(each.key)!);
    for (const each of firstTargets) printRow(1, `${each.name} (one-token answers)`, kept.get(each.key)!);
    for (const [concurrency, figures] of timed) {
      for (const each of targets) {
        const spent = each.key === 'direct' ? undefined : cpu.get(concurrency)!.get(each.key as Side['key']);
        const answers = figures.get(each.key)!.requests;
        const cell = spent
          ? `gateway ${((spent.gateway * 1000) / answers).toFixed(2)} + origin ${((spent.origin * 1000) / answers).toFixed(2)}`
          : '';
        printRow(concurrency, each.name, figures.get(each.key)!, cell);
      }
    }

    const added = (figures: Map<Target['key'], Figures>, key: 'ttft50' | 'ttft99', suffix = '') =>
      Object.fromEntries(
        sides.map((side) => [side.key, figures.get(side.key + suffix)![key] - figures.get('direct')![key]]),
      );
    const ratio = (figures: Map<Target['key'], Figures>, key: 'total50' | 'rps') =>
      Object.fromEntries(
        sides.map((side) => [side.key, figures.get(side.key)![key] / figures.get('direct')![key]]),
      );
    const c1 = timed.get(1)!;
    const c64 = timed.get(CONCURRENCY)!;
    const rows: SideFigure[] = [
      {
        label: 'c=1  added ttft p50',
        values: added(first, 'ttft50'),
        unit: 'ms',
        target: '≤ 2',
        meets: (v) => v <= 2,
      },
      {
        label: 'c=1  added ttft p99',
        values: added(first, 'ttft99'),
        unit: 'ms',
        target: '≤ 5',
        meets: (v) => v <= 5,
      },
      {
        label: 'c=1  kept: added ttft p50',
        values: added(kept, 'ttft50'),
        unit: 'ms, connections kept',
        target: '≤ 2',
        meets: (v) => v <= 2,
      },
      {
        label: 'c=1  kept: added ttft p99',
        values: added(kept, 'ttft99'),
        unit: 'ms, connections kept',
        target: '≤ 5',
        meets: (v) => v <= 5,
      },
      {
        label: 'c=1  /v1 from the GPT: added ttft p50',
        values: added(first, 'ttft50', '-v1'),
        unit: 'ms',
        target: '≤ 2',
        meets: (v) => v <= 2,
      },
      {
        label: 'c=1  kept: /v1 from the GPT: added ttft p50',
        values: added(kept, 'ttft50', '-v1'),
        unit: 'ms, connections kept',
        target: '≤ 2',
        meets: (v) => v <= 2,
      },
      { label: 'c=1  total p50 ÷ direct', values: ratio(c1, 'total50'), digits: 4 },
      {
        label: `c=${CONCURRENCY} added ttft p50`,
        values: added(c64, 'ttft50'),
        unit: 'ms',
        target: '≤ 2',
        meets: (v) => v <= 2,
      },
      {
        label: `c=${CONCURRENCY} added ttft p99`,
        values: added(c64, 'ttft99'),
        unit: 'ms',
        target: '≤ 5',
        meets: (v) => v <= 5,
      },
      { label: `c=${CONCURRENCY} total p50 ÷ direct`, values: ratio(c64, 'total50'), digits: 4 },
      { label: `c=${CONCURRENCY} answers/s ÷ direct`, values: ratio(c64, 'rps'), digits: 3 },
    ];
    printSideBySide('session message through the origin', sides, rows);

    await cleanup();
    if (profiles) {
      for (const side of sides) {
        const skip = (measuringFrom - startedAt.get(side.key)!) / 1000;
        for (const service of ['inference-gateway', 'web']) {
          console.log(`\n-- CPU profile: ${service}, ${side.label} (from the first measured request)`);
          summariseProfiles(join(profiles, `${side.key}-${service}`), skip);
        }
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
