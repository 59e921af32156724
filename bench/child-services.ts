import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this bench runs from: the work tree whose figures it prints. */
export const WORK_TREE_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Linux reports /proc times in USER_HZ, which is 100 on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
/** Enough of a child's stderr to say why it died. */
const OUTPUT_TAIL_CHARS = 4000;

/**
 * A checkout whose services a bench runs: the work tree, and with `BENCH_BASELINE_ROOT` another
 * checkout (say, the commit before a change) measured in the same run against the same workers.
 */
export interface Side {
  /** `work tree` or `baseline`; also a suffix that keeps the two sides' databases and prefixes apart. */
  label: 'work tree' | 'baseline';
  key: 'work' | 'base';
  root: string;
}

export const WORK_TREE: Side = { label: 'work tree', key: 'work', root: WORK_TREE_ROOT };

/**
 * The sides to measure: the work tree, then the baseline when `BENCH_BASELINE_ROOT` names a checkout
 * with its own `node_modules` (its services run on its own sources and dependencies).
 */
export function benchSides(): Side[] {
  const raw = process.env.BENCH_BASELINE_ROOT;
  if (!raw) return [WORK_TREE];
  const root = resolve(raw);
  for (const needed of ['package.json', 'tsconfig.test.json', 'node_modules/tsx']) {
    if (!existsSync(join(root, needed)))
      throw new Error(`BENCH_BASELINE_ROOT=${raw}: no ${needed} there (a checkout after npm ci is needed)`);
  }
  return [WORK_TREE, { label: 'baseline', key: 'base', root }];
}

export interface ServiceSpec {
  name: string;
  /** A TypeScript entry, relative to `root`, that listens on a port given in `env`. */
  entry: string;
  /** The checkout the entry and its `@chatty/*` imports come from; the work tree by default. */
  root?: string;
  env: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** Where `/health/ready` is served when not on the service's own port: web's ops listener (OPS_PORT). */
  opsPort?: number;
}

export interface RunningService {
  name: string;
  url: string;
  pid: number;
}

/**
 * The services of one bench, each a child `node --import tsx <entry>` as it runs in deployment (one
 * process, one event loop per service). Every child is stopped by `stopAll()` — SIGTERM, so that the
 * service shuts down and `--cpu-prof` writes its profile, then SIGKILL after a deadline — and, as a last
 * resort, killed when this process exits by any path.
 */
export class ChildServices {
  readonly #children = new Map<string, ChildProcess>();
  readonly #killOnExit = () => {
    for (const child of this.#children.values()) child.kill('SIGKILL');
  };

  constructor() {
    process.on('exit', this.#killOnExit);
  }

  async start(spec: ServiceSpec, port: number): Promise<RunningService> {
    const root = spec.root ?? WORK_TREE_ROOT;
    // The same node for every side (a runtime difference is not what a baseline compares); tsx, the
    // entry and, through tsconfig.test.json's paths, `@chatty/*` resolve from the checkout's root.
    const child = spawn(process.execPath, [...(spec.nodeFlags ?? []), '--import', 'tsx', spec.entry], {
      cwd: root,
      // Only what the bench sets: a developer's own PORT, REDIS_URL or DEBUG must not leak into the figures.
      env: { PATH: process.env.PATH ?? '', ...spec.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.test.json') },
      // stdout carries only log lines (none at LOG_LEVEL=silent); stderr says why a child died.
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#children.set(spec.name, child);
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stderr!.on('data', keep);
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => {
        this.#children.delete(spec.name);
        reject(
          new Error(`${spec.name} exited (${signal ?? `code ${code}`}) before it was ready:\n${output}`),
        );
      });
      child.once('error', reject);
    });
    exited.catch(() => {});
    const url = `http://127.0.0.1:${port}`;
    const gone = new AbortController();
    child.once('exit', () => gone.abort()).once('error', () => gone.abort());
    const ready = `http://127.0.0.1:${spec.opsPort ?? port}/health/ready`;
    await Promise.race([waitUntilReady(ready, spec.name, gone.signal), exited]);
    return { name: spec.name, url, pid: child.pid! };
  }

  /** Stops the children in reverse start order (the origin before the registry it proxies to). */
  async stopAll(): Promise<void> {
    for (const [name, child] of [...this.#children].reverse()) {
      await stop(child);
      this.#children.delete(name);
    }
    process.off('exit', this.#killOnExit);
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const deadline = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(deadline);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Polls until ready, until the deadline, or until `gone` (the child exited) stops it. */
async function waitUntilReady(url: string, name: string, gone: AbortSignal): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !gone.aborted) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} was not ready at ${url} after ${READY_TIMEOUT_MS / 1000} s`);
}

/** A port that was free a moment ago; the child binds it next, so a clash is unlikely and loud. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** `count` free ports, all different (a port just freed can be offered again). */
export async function distinctPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * CPU time (user + system) a process has used so far, in seconds; undefined where /proc is missing.
 * Per request, it is the cost of the server itself, which other load on the machine barely moves,
 * unlike throughput.
 */
export function cpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * `BENCH_CPU_PROF=<dir>`: node flags that make a side's service write a V8 CPU profile into `<dir>` (the
 * baseline's into `<dir>/baseline`) when it stops; none without the variable.
 */
export function profileFlags(side: Side): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return [];
  const into = side.key === 'work' ? resolve(dir) : join(resolve(dir), 'baseline');
  mkdirSync(into, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${into}`];
}
