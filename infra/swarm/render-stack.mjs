// Turns the compose model (`docker compose config` of docker-compose.yml plus overrides, read on
// stdin) into a file `docker stack deploy` takes (stdout). Swarm runs the same images, environment,
// healthchecks, networks and volumes; what differs, and why:
//   - no build, profiles, depends_on, restart, pull_policy, container-only options: a stack deploys
//     built images, starts everything at once (each Chatty service retries or waits for what it
//     needs), and restarts through deploy.restart_policy (the one-shot model pull: on failure only);
//   - endpoint_mode dnsrr and the public port in host mode: swarm's virtual IPs and routing mesh need
//     IPVS in the kernel, which not every host has; round-robin DNS and a port on the node need none;
//   - tmpfs as a mount, networks as overlays (internal ones stay internal), no names of compose's
//     project on networks and volumes (the stack prefixes its own).
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

const ONE_SHOTS = new Set(['ollama-pull']);
const DROPPED = [
  'build',
  'profiles',
  'depends_on',
  'restart',
  'pull_policy',
  'container_name',
  // Docker's `host-gateway` exists for containers, not for swarm tasks.
  'extra_hosts',
  // Not applied to swarm tasks (the engine warns and ignores them).
  'security_opt',
  'tmpfs',
];

const model = parse(readFileSync(0, 'utf8'));
const stack = { version: '3.9', services: {}, networks: {}, volumes: {} };

for (const [name, service] of Object.entries(model.services)) {
  const out = { ...service };
  for (const key of DROPPED) delete out[key];
  if (service.tmpfs) {
    const targets = Array.isArray(service.tmpfs) ? service.tmpfs : [service.tmpfs];
    out.volumes = [...(out.volumes ?? []), ...targets.map((target) => ({ type: 'tmpfs', target }))];
  }
  if (Array.isArray(out.volumes)) {
    out.volumes = out.volumes.map(({ bind, volume, ...mount }) => mount);
  }
  if (out.ports) {
    out.ports = out.ports.map((port) => ({
      target: Number(port.target),
      published: Number(port.published),
      protocol: port.protocol ?? 'tcp',
      mode: 'host',
    }));
  }
  if (out.networks) {
    // The long form carries compose's nulls; swarm takes the list.
    out.networks = Object.keys(out.networks);
  }
  if (out.healthcheck) {
    const { start_interval, ...healthcheck } = out.healthcheck;
    out.healthcheck = healthcheck;
  }
  const deploy = out.deploy ?? {};
  out.deploy = {
    ...deploy,
    replicas: deploy.replicas ?? 1,
    endpoint_mode: 'dnsrr',
    restart_policy: ONE_SHOTS.has(name)
      ? { condition: 'on-failure', max_attempts: 5 }
      : { condition: 'any', delay: '2s' },
  };
  stack.services[name] = out;
}

for (const [name, network] of Object.entries(model.networks ?? {})) {
  stack.networks[name] = { driver: 'overlay', ...(network?.internal ? { internal: true } : {}) };
}
for (const name of Object.keys(model.volumes ?? {})) stack.volumes[name] = {};

process.stdout.write(stringify(stack));
