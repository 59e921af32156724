// The restart policy of `npm start` (scripts/supervise.mjs) with stand-in processes and fake time;
// test/start-supervisor.test.ts runs it for real.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSupervisor, HEALTHY_UPTIME_MS, restartDelay } from '../scripts/supervise.mjs';

let nextPid = 100;

class FakeProcess extends EventEmitter {
  readonly pid = nextPid++;
  readonly signals: string[] = [];
  constructor(private readonly obeys: boolean) {
    super();
  }
  kill(signal: NodeJS.Signals) {
    this.signals.push(signal);
    if (this.obeys || signal === 'SIGKILL') queueMicrotask(() => this.emit('exit', null, signal));
    return true;
  }
  crash(code = 1) {
    this.emit('exit', code, null);
  }
}

function harness(names: string[], { readyAtOnce = true, obeySigterm = true } = {}) {
  const lines: string[] = [];
  const spawned = new Map<string, FakeProcess[]>();
  const markReady = new Map<string, (ready: boolean) => void>();
  const exit = vi.fn();
  const supervisor = createSupervisor({
    services: names.map((name) => ({ name })),
    spawnService: ({ name }) => {
      const child = new FakeProcess(obeySigterm);
      spawned.set(name, [...(spawned.get(name) ?? []), child]);
      return child;
    },
    waitUntilReady: async ({ name }) =>
      readyAtOnce ? true : new Promise<boolean>((resolve) => markReady.set(name, resolve)),
    say: (line) => lines.push(line),
    exit,
  });
  const latest = (name: string) => spawned.get(name)!.at(-1)!;
  return { supervisor, lines, spawned, latest, markReady, exit };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the npm start supervisor', () => {
  it('restarts a crashed service after 0.5 s, doubling to 30 s, and logs each restart', async () => {
    const { supervisor, lines, spawned, latest } = harness(['web', 'gpt-registry']);
    expect(await supervisor.start()).toEqual([]);
    expect(lines).toEqual([
      `started web pid ${latest('web').pid}`,
      `started gpt-registry pid ${latest('gpt-registry').pid}`,
    ]);
    const delays: string[] = [];
    for (let restart = 1; restart <= 8; restart++) {
      const dead = latest('gpt-registry');
      dead.crash(restart === 1 ? 137 : 1);
      const said = lines.at(-1)!;
      expect(said).toMatch(
        new RegExp(`^gpt-registry \\(pid ${dead.pid}\\) exited \\(code \\d+\\) after 0 s; `),
      );
      expect(said).toContain(`(restart ${restart})`);
      delays.push(/restarting in ([\d.]+ s)/.exec(said)![1]!);
      await vi.advanceTimersByTimeAsync(restartDelay(restart - 1) - 1);
      expect(spawned.get('gpt-registry')).toHaveLength(restart);
      await vi.advanceTimersByTimeAsync(1);
      expect(spawned.get('gpt-registry')).toHaveLength(restart + 1);
      expect(lines).toContain(`started gpt-registry pid ${latest('gpt-registry').pid}`);
    }
    expect(delays).toEqual(['0.5 s', '1 s', '2 s', '4 s', '8 s', '16 s', '30 s', '30 s']);
    expect(lines).toContain('gpt-registry is ready again');
    // The other service was never touched.
    expect(spawned.get('web')).toHaveLength(1);
    expect(supervisor.stopping).toBe(false);
  });

  it('starts the delay over once a process has stayed up a while', async () => {
    const { supervisor, lines, latest } = harness(['gpt-registry']);
    await supervisor.start();
    latest('gpt-registry').crash();
    await vi.advanceTimersByTimeAsync(500);
    latest('gpt-registry').crash();
    expect(lines.at(-1)).toContain('restarting in 1 s');
    await vi.advanceTimersByTimeAsync(1000 + HEALTHY_UPTIME_MS);
    latest('gpt-registry').crash();
    expect(lines.at(-1)).toContain('restarting in 0.5 s (restart 3)');
  });

  it('stops everything, without retrying, when a service exits before its first ready', async () => {
    const { supervisor, lines, spawned, latest, markReady, exit } = harness(['web', 'gpt-registry'], {
      readyAtOnce: false,
    });
    void supervisor.start();
    await vi.advanceTimersByTimeAsync(0);
    markReady.get('web')!(true);
    latest('gpt-registry').crash(1);
    expect(lines.at(-1)).toMatch(/^gpt-registry exited during start-up \(code 1\); stopping the others\./);
    expect(latest('web').signals).toEqual(['SIGTERM']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(exit).toHaveBeenCalledWith(1);
    expect(spawned.get('gpt-registry')).toHaveLength(1);
  });

  it('on SIGTERM stops every process and cancels a pending restart', async () => {
    const { supervisor, spawned, latest, exit } = harness(['web', 'gpt-registry']);
    await supervisor.start();
    latest('gpt-registry').crash();
    supervisor.stop();
    expect(latest('web').signals).toEqual(['SIGTERM']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
    expect(spawned.get('gpt-registry')).toHaveLength(1);
  });

  it('kills what does not stop: after 20 s, or at once on a second Ctrl-C', async () => {
    const slow = harness(['web', 'gpt-registry'], { obeySigterm: false });
    await slow.supervisor.start();
    slow.supervisor.stop();
    await vi.advanceTimersByTimeAsync(19_999);
    expect(slow.exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(slow.latest('web').signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(slow.lines).toContain('web did not stop in time; killing it');
    expect(slow.exit).toHaveBeenCalledWith(0);

    const forced = harness(['web'], { obeySigterm: false });
    await forced.supervisor.start();
    forced.supervisor.stop();
    forced.supervisor.kill();
    await vi.advanceTimersByTimeAsync(0);
    expect(forced.latest('web').signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(forced.exit).toHaveBeenCalledWith(0);
  });
});
