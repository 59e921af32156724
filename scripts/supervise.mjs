// The process supervisor behind `npm start`: it keeps one process per service running, so one machine
// serves on through a crash, and stops them all together.
//
// The policy, as the README states it:
// - Start-up. Each service's first process must become ready. One that exits before that failed on
//   something a restart would not fix — a bad setting, a port in use, a database it cannot reach — so
//   rather than loop, everything stops (exit code 1) and the service's own log above says why.
// - After start-up. A process that exits (a crash, the OOM killer, `kill -9`) is started again after a
//   delay: 0.5 s, doubling with each exit in a row, at most 30 s. A process that stayed up for a minute
//   counts as healthy, so its next exit starts again at 0.5 s. Restarts go on for as long as it takes (a
//   database can be away for an hour); each one is logged with the exit code or signal and the delay,
//   and the other services keep serving meanwhile.
// - SIGINT or SIGTERM. Every process gets SIGTERM and drains; after 20 s, or at a second Ctrl-C,
//   whatever is left gets SIGKILL.

const RESTART_FIRST_DELAY_MS = 500;
const RESTART_MAX_DELAY_MS = 30_000;
/** Up this long, a process counts as healthy and the restart delay starts over. */
export const HEALTHY_UPTIME_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
/** How long start-up waits for every service before reporting the late ones (which it keeps watching). */
export const READY_TIMEOUT_MS = 60_000;

/** The delay before restart number `failures + 1` of an exit streak. */
export function restartDelay(failures) {
  return Math.min(RESTART_FIRST_DELAY_MS * 2 ** failures, RESTART_MAX_DELAY_MS);
}

/**
 * `spawnService(service)` starts one process (its output already wired); `waitUntilReady(service,
 * isCurrent, timeoutMs)` polls the service's readiness while `isCurrent()` and resolves true once ready;
 * `say` prints a supervisor line; `exit(code)` ends the supervisor once every process is gone.
 */
export function createSupervisor({ services, spawnService, waitUntilReady, say, exit }) {
  const states = services.map((service) => ({
    service,
    child: undefined,
    startedAt: 0,
    /** Ready at least once in this run: from then on an exit is a crash to recover from. */
    wasReady: false,
    failures: 0,
    restarts: 0,
    timer: undefined,
  }));
  let stopping = false;
  let exitCode = 0;

  function launch(state) {
    const child = spawnService(state.service);
    state.child = child;
    state.startedAt = Date.now();
    // The pid lets an operator (or a test) signal one service directly.
    say(`started ${state.service.name} pid ${child.pid}`);
    child.on('exit', (code, signal) => onExit(state, child, code, signal));
    return child;
  }

  function onExit(state, child, code, signal) {
    if (state.child !== child) return;
    state.child = undefined;
    if (stopping) {
      if (running().length === 0) exit(exitCode);
      return;
    }
    const how = signal ?? `code ${code}`;
    const name = state.service.name;
    if (!state.wasReady) {
      say(
        `${name} exited during start-up (${how}); stopping the others. A restart would fail the same ` +
          'way: see its log above (a bad setting, a port in use, a dependency it cannot reach).',
      );
      exitCode = 1;
      stopAll();
      return;
    }
    const uptime = Date.now() - state.startedAt;
    if (uptime >= HEALTHY_UPTIME_MS) state.failures = 0;
    const delay = restartDelay(state.failures);
    state.failures++;
    state.restarts++;
    say(
      `${name} (pid ${child.pid}) exited (${how}) after ${seconds(uptime)}; ` +
        `restarting in ${seconds(delay)} (restart ${state.restarts})`,
    );
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (stopping) return;
      const next = launch(state);
      const current = () => state.child === next && !stopping;
      void waitUntilReady(state.service, current, Number.POSITIVE_INFINITY).then((ready) => {
        if (ready) say(`${name} is ready again`);
      });
    }, delay);
  }

  function running() {
    return states.filter((state) => state.child);
  }

  function stopAll() {
    if (stopping) return;
    stopping = true;
    for (const state of states) clearTimeout(state.timer);
    const alive = running();
    if (alive.length === 0) return exit(exitCode);
    for (const state of alive) state.child.kill('SIGTERM');
    setTimeout(() => {
      for (const state of running()) {
        say(`${state.service.name} did not stop in time; killing it`);
        state.child.kill('SIGKILL');
      }
    }, STOP_TIMEOUT_MS).unref();
  }

  return {
    get stopping() {
      return stopping;
    },
    /** Starts every service; resolves with the names of those not ready in time (start-up continues). */
    async start() {
      for (const state of states) if (!stopping) launch(state);
      const ready = await Promise.all(
        states.map(async (state) => {
          const first = state.child;
          const current = () => state.child === first && !stopping;
          if (await waitUntilReady(state.service, current, READY_TIMEOUT_MS)) {
            state.wasReady = true;
            return true;
          }
          // Reported as late, but still watched: a slow first start counts as started once ready.
          void waitUntilReady(state.service, current, Number.POSITIVE_INFINITY).then((late) => {
            if (!late) return;
            state.wasReady = true;
            say(`${state.service.name} is ready`);
          });
          return false;
        }),
      );
      return states.filter((_, index) => !ready[index]).map((state) => state.service.name);
    },
    stop() {
      stopAll();
    },
    /** The second Ctrl-C: no more waiting for drains. */
    kill() {
      for (const state of running()) state.child.kill('SIGKILL');
    },
  };
}

function seconds(ms) {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
