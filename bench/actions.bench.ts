import { performance } from 'node:perf_hooks';
import { serviceToken } from '@chatty/shared';
import { type CpuProbe, type Measured, measure, type Target } from './autocannon.js';
import {
  benchSides,
  ChildServices,
  cpuSeconds,
  freePort,
  profileFlags,
  type Side,
} from './child-services.js';
import { printSideBySide, roundOrder } from './side-by-side.js';

const CONNECTIONS = 20;
const WARMUP_SECONDS = 2;
const ROUNDS = 2000;
const SECRET_KEY = 'bench-secret-key-that-is-long-enough-0123456789';

function benchDuration(): number {
  const seconds = Number(process.env.BENCH_DURATION ?? '10');
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error('BENCH_DURATION must be a whole number ≥ 1');
  return seconds;
}

interface Latency {
  p50: number;
  p99: number;
}

/** One request at a time, alternating paths, so the added latency is the runner's and not queueing. */
async function sequentialLatencies(calls: Array<() => Promise<void>>): Promise<Latency[]> {
  const samples: number[][] = calls.map(() => []);
  for (let round = -ROUNDS / 10; round < ROUNDS; round++) {
    for (const [index, call] of calls.entries()) {
      const start = performance.now();
      await call();
      if (round >= 0) samples[index]!.push(performance.now() - start);
    }
  }
  return samples.map((list) => {
    list.sort((a, b) => a - b);
    return { p50: list[Math.floor(list.length * 0.5)]!, p99: list[Math.floor(list.length * 0.99)]! };
  });
}

const ms = (value: number) => value.toFixed(2);
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * The target and the action-runner each run in a process of their own, as deployed (the runner from
 * its server.ts), so the runner's event loop does only the runner's work. With BENCH_BASELINE_ROOT the
 * baseline's runner serves the same target, measured in the same rounds.
 */
export async function run(): Promise<void> {
  const seconds = benchDuration();
  const sides = benchSides();
  const children = new ChildServices();
  try {
    const targetPort = await freePort();
    const target = await children.start(
      { name: 'target', entry: 'bench/action-target.server.ts', env: { PORT: String(targetPort) } },
      targetPort,
    );
    const token = serviceToken(SECRET_KEY, 'action-runner');
    const spec = JSON.stringify({
      method: 'GET',
      url: `${target.url}/weather/{{city}}`,
      headers: { Authorization: 'Bearer bench-token', Accept: 'application/json' },
      query: { units: '{{units}}' },
      arguments: { city: 'Oslo', units: 'metric' },
    });
    const directUrl = `${target.url}/weather/Oslo?units=metric`;
    const direct = { name: 'direct to target', url: directUrl } satisfies Target;
    const runners: Array<{ side: Side; target: Target; pid: number }> = [];
    for (const side of sides) {
      const runnerPort = await freePort();
      const runner = await children.start(
        {
          name: side.key === 'work' ? 'action-runner' : `action-runner (${side.label})`,
          entry: 'services/action-runner/src/server.ts',
          root: side.root,
          env: {
            ACTION_RUNNER_PORT: String(runnerPort),
            SECRET_KEY,
            LOG_LEVEL: 'silent',
            ACTION_EGRESS_ALLOW: `127.0.0.1:${targetPort}`,
          },
          nodeFlags: profileFlags(side),
        },
        runnerPort,
      );
      runners.push({
        side,
        pid: runner.pid,
        target: {
          name: sides.length === 1 ? 'through action-runner' : `runner, ${side.label}`,
          url: `${runner.url}/internal/execute`,
          method: 'POST',
          body: spec,
          headers: { 'content-type': 'application/json', 'x-service-token': token },
        },
      });
    }

    const rounds = sides.length === 1 ? 1 : 2;
    console.log(
      `${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${seconds} s per path and round, ` +
        `${rounds} round(s); sides: ${sides.map((side) => `${side.label} (${side.root})`).join(', ')}`,
    );
    const options = { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds };
    const targets = [direct, ...runners.map((runner) => runner.target)];
    const runs = new Map<Target, Measured[]>(targets.map((each) => [each, []]));
    // CPU of the processes that serve each path: the target's, and the runner's in front of it.
    const probe = (pid: number) => () => cpuSeconds(pid);
    const watched = new Map<Target, CpuProbe[]>([[direct, [probe(target.pid)]]]);
    for (const { target: path, pid } of runners) watched.set(path, [probe(pid), probe(target.pid)]);
    for (let round = 0; round < rounds; round++) {
      for (const each of roundOrder(targets, round))
        runs.get(each)!.push(await measure(each, options, watched.get(each)));
    }
    const rate = (each: Target) => mean(runs.get(each)!.map((run) => run.result.requests.average));
    /** CPU µs per request of the path's first watched process (the runner; the target for direct). */
    const cpuPerRequest = (each: Target) => {
      const list = runs.get(each)!;
      const seconds = list.map((run) => run.cpu[0]);
      if (seconds.some((value) => value === undefined)) return Number.NaN;
      const requests = list.reduce((sum, run) => sum + run.result.requests.total, 0);
      return (seconds.reduce((sum: number, value) => sum + value!, 0) * 1e6) / requests;
    };

    const call = (each: Target) => async () => {
      const response = await fetch(each.url, {
        method: each.method ?? 'GET',
        headers: each.headers ?? {},
        ...(each.body === undefined ? {} : { body: each.body }),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${each.name} answered ${response.status}`);
    };
    const latencies = await sequentialLatencies(targets.map(call));

    console.log(
      `\n${'path'.padEnd(24)}${'req/s (mean)'.padStart(14)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}` +
        `${'1-at-a-time p50'.padStart(17)}${'p99'.padStart(8)}`,
    );
    for (const [index, each] of targets.entries()) {
      const list = runs.get(each)!;
      console.log(
        `${each.name.padEnd(24)}${rate(each).toFixed(0).padStart(14)}` +
          `${mean(list.map((run) => run.result.latency.p50))
            .toFixed(1)
            .padStart(9)}` +
          `${mean(list.map((run) => run.result.latency.p99))
            .toFixed(1)
            .padStart(9)}` +
          `${ms(latencies[index]!.p50).padStart(17)}${ms(latencies[index]!.p99).padStart(8)}`,
      );
    }
    const bySide = (pick: (runner: Target, index: number) => number) =>
      Object.fromEntries(runners.map((runner, index) => [runner.side.key, pick(runner.target, index + 1)]));
    printSideBySide(`action-runner, ${ROUNDS} one at a time per path`, sides, [
      {
        label: 'runner executions/s ÷ direct req/s',
        values: bySide((runner) => rate(runner) / rate(direct)),
        digits: 3,
        target: '≥ 0.5',
        meets: (value) => value >= 0.5,
      },
      {
        // What the share would be with each server on a core of its own; other load barely moves it.
        label: 'target CPU/req ÷ runner CPU/execution',
        values: bySide((runner) => {
          const [targetCpu, runnerCpu] = [cpuPerRequest(direct), cpuPerRequest(runner)];
          return targetCpu / runnerCpu;
        }),
        digits: 3,
      },
      {
        label: 'runner CPU/execution',
        values: bySide((runner) => cpuPerRequest(runner)),
        digits: 0,
        unit: 'µs',
      },
      {
        label: 'added latency p50',
        values: bySide((_, index) => latencies[index]!.p50 - latencies[0]!.p50),
        unit: 'ms',
        target: '≤ 2',
        meets: (value) => value <= 2,
      },
      {
        label: 'added latency p99',
        values: bySide((_, index) => latencies[index]!.p99 - latencies[0]!.p99),
        unit: 'ms',
      },
    ]);
  } finally {
    await children.stopAll();
  }
}
