import { performance } from 'node:perf_hooks';
import { serviceToken } from '@chatty/shared';
import { type Measured, measure, type Target } from './autocannon.js';
import { ChildServices, freePort } from './child-services.js';

const CONNECTIONS = 20;
const WARMUP_SECONDS = 2;
const ROUNDS = 2000;
const SECRET_KEY = 'bench-secret-key-that-is-long-enough-0123456789';

function benchDuration(): number {
  const seconds = Number(process.env.BENCH_DURATION ?? '10');
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error('BENCH_DURATION must be a whole number ≥ 1');
  return seconds;
}

/** One request at a time, alternating paths, so the added latency is the runner's and not queueing. */
async function sequentialLatencies(direct: () => Promise<void>, viaRunner: () => Promise<void>) {
  const samples: [number[], number[]] = [[], []];
  for (let round = -ROUNDS / 10; round < ROUNDS; round++) {
    for (const [index, call] of [direct, viaRunner].entries()) {
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
const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');

/**
 * The target and the action-runner each run in a process of their own, as deployed (the runner from
 * its server.ts), so the runner's event loop does only the runner's work.
 */
export async function run(): Promise<void> {
  const seconds = benchDuration();
  const children = new ChildServices();
  try {
    const targetPort = await freePort();
    const target = await children.start(
      { name: 'target', entry: 'bench/action-target.server.ts', env: { PORT: String(targetPort) } },
      targetPort,
    );
    const runnerPort = await freePort();
    const runner = await children.start(
      {
        name: 'action-runner',
        entry: 'services/action-runner/src/server.ts',
        env: {
          ACTION_RUNNER_PORT: String(runnerPort),
          SECRET_KEY,
          LOG_LEVEL: 'silent',
          ACTION_EGRESS_ALLOW: `127.0.0.1:${targetPort}`,
        },
      },
      runnerPort,
    );
    const runnerUrl = `${runner.url}/internal/execute`;
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
    const viaRunner = {
      name: 'through action-runner',
      url: runnerUrl,
      method: 'POST',
      body: spec,
      headers: { 'content-type': 'application/json', 'x-service-token': token },
    } satisfies Target;

    console.log(`${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${seconds} s per path`);
    const options = { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds };
    const measured: Measured[] = [await measure(direct, options), await measure(viaRunner, options)];

    const latencies = await sequentialLatencies(
      async () => {
        const response = await fetch(directUrl);
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`target answered ${response.status}`);
      },
      async () => {
        const response = await fetch(runnerUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-service-token': token },
          body: spec,
        });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`runner answered ${response.status}`);
      },
    );
    report(measured, latencies as [{ p50: number; p99: number }, { p50: number; p99: number }]);
  } finally {
    await children.stopAll();
  }
}

function report(
  measured: Measured[],
  [direct, viaRunner]: [{ p50: number; p99: number }, { p50: number; p99: number }],
) {
  console.log(
    `\n${'path'.padEnd(24)}${'req/s (mean)'.padStart(14)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}`,
  );
  for (const { target, result } of measured) {
    console.log(
      `${target.name.padEnd(24)}${result.requests.average.toFixed(0).padStart(14)}` +
        `${String(result.latency.p50).padStart(9)}${String(result.latency.p99).padStart(9)}`,
    );
  }
  const share = measured[1]!.result.requests.average / measured[0]!.result.requests.average;
  const addedP50 = viaRunner.p50 - direct.p50;
  const addedP99 = viaRunner.p99 - direct.p99;
  console.log(
    `\nrunner executions/s ÷ direct req/s   ${share.toFixed(3)}  (target ≥ 0.5)  ${verdict(share >= 0.5)}`,
  );
  console.log(
    `one at a time (${ROUNDS} each): direct p50 ${ms(direct.p50)} / p99 ${ms(direct.p99)} ms, ` +
      `runner p50 ${ms(viaRunner.p50)} / p99 ${ms(viaRunner.p99)} ms`,
  );
  console.log(
    `added latency p50                    ${ms(addedP50)} ms  (target ≤ 2 ms)  ${verdict(addedP50 <= 2)}`,
  );
  console.log(`added latency p99                    ${ms(addedP99)} ms`);
}
