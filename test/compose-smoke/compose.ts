import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * `docker compose` with the project, files and profiles that compose-smoke.sh exported
 * (COMPOSE_PROJECT_NAME, COMPOSE_FILE, COMPOSE_PROFILES), so every call acts on the stack under test.
 */
export async function compose(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', ['compose', ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** The running containers of one service, by name. */
export async function containersOf(service: string): Promise<string[]> {
  const out = await compose('ps', '--format', '{{.Name}}', service);
  return out.split('\n').filter(Boolean).sort();
}

/** One container's log lines that are JSON (pino), parsed. */
export async function jsonLogsOf(container: string): Promise<Array<Record<string, unknown>>> {
  const { stdout } = await run('docker', ['logs', container], { maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Kills a container's main process with SIGKILL from the host, as the kernel's OOM killer would:
 * Docker sees a crash (not a `docker stop`), so the restart policy brings the container back.
 */
export async function crash(container: string): Promise<void> {
  const { stdout } = await run('docker', ['top', container, '-o', 'pid,args']);
  const node = stdout
    .split('\n')
    .slice(1)
    .find((line) => / node /.test(` ${line.trim().split(/\s+/).slice(1).join(' ')} `));
  if (!node) throw new Error(`no node process in ${container}:\n${stdout}`);
  process.kill(Number(node.trim().split(/\s+/)[0]), 'SIGKILL');
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs: number,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Phase timings, printed at the end of the run. */
export const phases: Array<{ phase: string; seconds: number }> = [];

export async function timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const seconds = (performance.now() - started) / 1000;
    phases.push({ phase, seconds });
    process.stdout.write(`compose-smoke: ${phase} ${seconds.toFixed(1)} s\n`);
  }
}
