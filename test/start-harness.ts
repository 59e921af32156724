import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface StartedStack {
  child: ChildProcess;
  output(): string;
  /** The pid the supervisor last reported for each service (`started <name> pid N`). */
  pids(): Map<string, number>;
  /** Resolves with the exit code once `npm start` has exited. */
  exited: Promise<number | null>;
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

/** Every port `npm start` listens on; each test stack gets free ones so stacks never collide. */
const STACK_PORTS = [
  'PORT',
  // web's operators' listener (/metrics, /health/ready); start.mjs polls web's /health/live on PORT.
  'OPS_PORT',
  'REGISTRY_PORT',
  'INGEST_PORT',
  'ACTION_RUNNER_PORT',
  'GATEWAY_PORT',
];

/** `env` with a free port for each port variable it does not set. */
export async function withFreePorts(env: Record<string, string>): Promise<Record<string, string>> {
  const filled = { ...env };
  for (const name of STACK_PORTS) filled[name] ??= String(await freePort());
  return filled;
}

/**
 * Runs `node scripts/start.mjs` — what `npm start` runs — with its own database and data dir; give it
 * ports with `withFreePorts`.
 */
export function startStack(env: Record<string, string>): StartedStack {
  let output = '';
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'chatty-start-')),
      // Stacks started by parallel test files share one Redis: each needs its own ingest queue, or one
      // stack's worker would take (and, not finding the file in its database, drop) another's jobs.
      REDIS_PREFIX: `chatty-test-${randomUUID()}`,
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    pids: () =>
      new Map(
        [...output.matchAll(/\[start\] started (\S+) pid (\d+)/g)].map(([, name, pid]) => [
          name!,
          Number(pid),
        ]),
      ),
    exited,
    async waitFor(text, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (Date.now() > deadline) throw new Error(`"${text}" did not appear; output:\n${output}`);
        if (child.exitCode !== null)
          throw new Error(`exited (${child.exitCode}) before "${text}":\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}
