import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { compose, containersOf as composeContainersOf, waitFor } from './compose.js';

const run = promisify(execFile);
const docker = async (...args: string[]) =>
  (await run('docker', args, { maxBuffer: 64 * 1024 * 1024 })).stdout;

/**
 * What the walk-through (stack.smoke.ts) asks of the orchestrator running the stack. The same test
 * drives docker compose (infra/scripts/compose-smoke.sh) and Docker Swarm (infra/scripts/swarm-smoke.sh,
 * SMOKE_ORCHESTRATOR=swarm); only this differs.
 */
export interface StackDriver {
  name: 'compose' | 'swarm';
  /** Starts every long-running service and resolves once each is healthy. */
  up(): Promise<void>;
  /** Runs the one-shot model pull to its end. */
  pullModels(): Promise<void>;
  /** Runs a command in a container of `service`, and returns what it printed. */
  exec(service: string, command: string[]): Promise<string>;
  /** The running containers of `service`, by name. */
  containersOf(service: string): Promise<string[]>;
  /** Resolves once `service` has all its replicas running again (after a crash). */
  recovered(service: string): Promise<void>;
  /** Two gateways and two ingest workers. */
  scaleOut(): Promise<void>;
  /**
   * Stops a one-replica service's container as an operator's restart does (SIGTERM: Postgres shuts
   * down fast, ending every connection) and brings it back on the same volume; resolves once it runs.
   */
  restart(service: string): Promise<void>;
}

async function onlyContainerOf(driver: StackDriver, service: string): Promise<string> {
  const [container, ...more] = await driver.containersOf(service);
  if (!container || more.length) throw new Error(`${service} should run one container`);
  return container;
}

/** When each container of these services started: a container that restarted or was replaced shows. */
export async function startTimes(services: string[]): Promise<Record<string, string>> {
  const times: Record<string, string> = {};
  for (const service of services) {
    for (const container of await stack.containersOf(service)) {
      times[container] = (await docker('inspect', '--format', '{{.State.StartedAt}}', container)).trim();
    }
  }
  return times;
}

const ONE_SHOT = 'ollama-pull';

const composeDriver = (): StackDriver => {
  let longRunning: string[] = [];
  return {
    name: 'compose',
    async up() {
      await compose('build', '--quiet');
      // `up --wait` counts a one-shot container that exited as a failure (Compose 2.26), so the
      // long-running services are waited for, and the model pull is run to its end on its own.
      const services = (await compose('config', '--services')).split('\n').filter(Boolean);
      longRunning = services.filter((service) => service !== ONE_SHOT);
      await compose('up', '-d', '--wait', ...longRunning);
    },
    async pullModels() {
      await compose('run', '--rm', ONE_SHOT);
    },
    exec: (service, command) => compose('exec', '-T', service, ...command),
    containersOf: composeContainersOf,
    async recovered(service) {
      // The restart policy brings the same container back.
      await waitFor(
        `${service} up`,
        async () => /Up/.test(await compose('ps', '--format', '{{.Status}}', service)),
        60_000,
      );
    },
    async scaleOut() {
      await compose(
        'up',
        '-d',
        '--wait',
        '--no-recreate',
        '--scale',
        'inference-gateway=2',
        '--scale',
        'file-ingest=2',
        ...longRunning,
      );
    },
    async restart(service) {
      await docker('restart', await onlyContainerOf(this, service));
    },
  };
};

/** The stack swarm-smoke.sh rendered (SWARM_STACK_FILE) and names (SWARM_STACK). */
const swarmDriver = (): StackDriver => {
  const stack = process.env.SWARM_STACK ?? 'chatty-swarm';
  const file = process.env.SWARM_STACK_FILE;
  const full = (service: string) => `${stack}_${service}`;
  const replicas = async () =>
    new Map(
      (
        await docker(
          'service',
          'ls',
          '--filter',
          `label=com.docker.stack.namespace=${stack}`,
          '--format',
          '{{.Name}} {{.Replicas}}',
        )
      )
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [name = '', count = ''] = line.split(' ');
          const [running, wanted] = count.split('/').map(Number);
          return [name.slice(stack.length + 1), { running: running!, wanted: wanted! }];
        }),
    );
  const containersOf = async (service: string) =>
    (
      await docker(
        'ps',
        '--filter',
        `label=com.docker.swarm.service.name=${full(service)}`,
        '--format',
        '{{.Names}} {{.Status}}',
      )
    )
      .split('\n')
      .filter((line) => line && !/\(health: starting\)|\(unhealthy\)/.test(line))
      .map((line) => line.split(' ')[0]!)
      .sort();
  /** Every long-running service with its replicas running, each container healthy. */
  const settled = async (only?: string) => {
    for (const [service, { running, wanted }] of await replicas()) {
      if (service === ONE_SHOT || (only && service !== only)) continue;
      if (running !== wanted || (await containersOf(service)).length !== wanted) return false;
    }
    return true;
  };
  return {
    name: 'swarm',
    async up() {
      if (!file) throw new Error('SWARM_STACK_FILE is not set: run infra/scripts/swarm-smoke.sh');
      await docker('stack', 'deploy', '--prune', '-c', file, stack);
      await waitFor('every swarm service healthy', settled, 10 * 60_000, 2000);
    },
    async pullModels() {
      await waitFor(
        'the model pull to complete',
        async () => {
          const states = await docker(
            'service',
            'ps',
            full(ONE_SHOT),
            '--format',
            '{{.CurrentState}} {{.Error}}',
          );
          if (/Failed|Rejected/.test(states.split('\n')[0] ?? '')) throw new Error(`model pull: ${states}`);
          return /^Complete/m.test(states);
        },
        5 * 60_000,
        1000,
      );
    },
    async exec(service, command) {
      const [container] = await containersOf(service);
      if (!container) throw new Error(`no running container of ${service}`);
      return docker('exec', container, ...command);
    },
    containersOf,
    async recovered(service) {
      // Swarm replaces a crashed task with a new container.
      await waitFor(`${service} back to its replicas`, () => settled(service), 120_000, 1000);
    },
    async scaleOut() {
      // Deployed with two of each from the start (infra/swarm/swarm.yml).
      const counts = await replicas();
      for (const service of ['inference-gateway', 'file-ingest']) {
        if (counts.get(service)?.wanted !== 2) throw new Error(`${service} does not run two replicas`);
      }
      await waitFor('two healthy gateways and ingest workers', settled, 120_000, 1000);
    },
    async restart(service) {
      // A task's container is Swarm's: stopped, it is replaced by a new task, not started again.
      const stopped = await onlyContainerOf(this, service);
      await docker('stop', stopped);
      await waitFor(
        `${service} replaced`,
        async () => (await containersOf(service)).some((container) => container !== stopped),
        120_000,
        1000,
      );
    },
  };
};

export const stack: StackDriver =
  process.env.SMOKE_ORCHESTRATOR === 'swarm' ? swarmDriver() : composeDriver();
