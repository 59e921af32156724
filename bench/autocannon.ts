import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** The part of autocannon's `--json` result the benches read. */
export interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface Target {
  name: string;
  url: string;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string;
}

export interface Measured {
  target: Target;
  result: CannonResult;
  /** CPU seconds each watched process used during the measured run (undefined: not measurable). */
  cpu: Array<number | undefined>;
}

/** Reads a process's CPU seconds so far; see child-services.ts. */
export type CpuProbe = () => number | undefined;

/**
 * autocannon runs as a child process (its CLI with --json), not through its in-process API, so the
 * load generator has its own event loop, much as a real client would be another machine, and its own
 * work is never charged to the bench process.
 */
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon');

export function autocannon(
  target: Target,
  { connections, seconds }: { connections: number; seconds: number },
): Promise<CannonResult> {
  const headers = Object.entries(target.headers ?? {}).flatMap(([key, value]) => ['-H', `${key}=${value}`]);
  const args = [
    AUTOCANNON,
    '--json',
    '-c',
    String(connections),
    '-d',
    String(seconds),
    ...headers,
    ...(target.method ? ['-m', target.method] : []),
    ...(target.body === undefined ? [] : ['-b', target.body]),
    target.url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // Killed with the bench on any exit; otherwise it would keep loading servers that are stopping.
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      process.off('exit', kill);
      if (code !== 0) {
        return reject(new Error(`autocannon exited ${signal ?? code} on ${target.name}: ${stderr}`));
      }
      try {
        resolve(JSON.parse(stdout) as CannonResult);
      } catch {
        reject(new Error(`autocannon printed no JSON for ${target.name}: ${stdout}${stderr}`));
      }
    });
  });
}

/** A warm-up run, then the measured one; either failing a request makes the figures meaningless. */
export async function measure(
  target: Target,
  { connections, warmupSeconds, seconds }: { connections: number; warmupSeconds: number; seconds: number },
  watch: CpuProbe[] = [],
): Promise<Measured> {
  // The warm-up lets V8 optimise the hot paths and fills the connection pools (pg, the proxy's undici).
  checked(target, 'warm-up', await autocannon(target, { connections, seconds: warmupSeconds }));
  const before = watch.map((probe) => probe());
  const result = checked(target, 'measured', await autocannon(target, { connections, seconds }));
  const cpu = watch.map((probe, index) => {
    const [start, end] = [before[index], probe()];
    return start === undefined || end === undefined ? undefined : end - start;
  });
  return { target, result, cpu };
}

function checked(target: Target, run: string, result: CannonResult): CannonResult {
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0 || result.requests.total === 0) {
    throw new Error(
      `${target.name} (${run}): ${result.non2xx} non-2xx, ${result.errors} errors, ` +
        `${result.timeouts} timeouts in ${result.requests.total} requests; its figures would mean nothing`,
    );
  }
  return result;
}
