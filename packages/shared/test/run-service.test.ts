import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@chatty/testkit';
import { describe, expect, it } from 'vitest';

/** The fixture service as its own process, once it listens on every address it was given. */
async function startFixture(env: Record<string, string>) {
  const fixture = fileURLToPath(new URL('./fixtures/slow-service.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const listeners = env.OPS_PORT ? 2 : 1;
  while (output.split('Server listening').length - 1 < listeners) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, exited, output: () => output };
}

describe('runService', () => {
  it('on SIGTERM finishes in-flight requests, refuses new ones, closes pools and exits 0', {
    timeout: 30_000,
  }, async () => {
    const port = await freePort();
    const { child, exited, output } = await startFixture({ PORT: String(port) });

    const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));

    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    expect(await exited).toBe(0);
    expect(output()).toContain('pools closed');
    expect(output().indexOf('shutting down')).toBeLessThan(output().indexOf('pools closed'));
  });

  it('with an ops listener, serves /metrics there only, and on SIGTERM closes both listeners', {
    timeout: 30_000,
  }, async () => {
    const [port, opsPort] = [await freePort(), await freePort()];
    const { child, exited } = await startFixture({ PORT: String(port), OPS_PORT: String(opsPort) });

    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    const metrics = await fetch(`http://127.0.0.1:${opsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('process_cpu_user_seconds_total');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${opsPort}/health/live`)).rejects.toThrow();
  });
});
