#!/usr/bin/env node
// Runs the whole platform on one machine: builds what changed, then starts every service as its own
// process with its logs prefixed. Ctrl-C stops them all; a service that dies stops the rest and is reported.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env };
const pretty = env.LOG_FORMAT !== 'json';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

const port = (name, fallback) => Number(env[name] || fallback);
// The origin finds the services on the ports this script gives them, unless told otherwise.
env.REGISTRY_URL ||= `http://127.0.0.1:${port('REGISTRY_PORT', 5010)}`;
const services = [
  {
    name: 'gpt-registry',
    entry: 'services/gpt-registry/dist/server.js',
    ready: `http://127.0.0.1:${port('REGISTRY_PORT', 5010)}/health/ready`,
  },
  {
    name: 'web',
    entry: 'services/web/dist/server.js',
    ready: `http://127.0.0.1:${port('PORT', 5000)}/health/ready`,
  },
];

function say(message) {
  process.stdout.write(`[start] ${message}\n`);
}

function build() {
  // Incremental: a no-op when nothing changed since the last build.
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    say('build failed; fix the errors above and run npm start again');
    process.exit(result.status ?? 1);
  }
}

async function prepareSecret() {
  // Made once here so the services, starting together, all read the same generated key.
  const { resolveSecretKey } = await import('../packages/shared/dist/index.js');
  resolveSecretKey(env.SECRET_KEY, env.DATA_DIR || './data');
}

async function lineFormatter(name) {
  const width = Math.max(...services.map((service) => service.name.length));
  const prefix = `[${name.padEnd(width)}] `;
  if (!pretty) return (line) => prefix + line;
  const { prettyFactory } = await import('pino-pretty');
  const format = prettyFactory({
    colorize: Boolean(process.stdout.isTTY),
    ignore: 'pid,hostname,name',
    singleLine: true,
  });
  return (line) => {
    if (!line.startsWith('{')) return prefix + line;
    try {
      return format(line)
        .trimEnd()
        .split('\n')
        .map((part) => prefix + part)
        .join('\n');
    } catch {
      return prefix + line;
    }
  };
}

const children = new Map();
let stopping = false;

async function launch(service) {
  const child = spawn(process.execPath, ['--enable-source-maps', service.entry], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const format = await lineFormatter(service.name);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${format(line)}\n`));
  }
  children.set(service.name, child);
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (stopping) {
      if (children.size === 0) finish();
      return;
    }
    say(`${service.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the others`);
    process.exitCode = 1;
    stopAll();
  });
}

async function waitUntilReady(service) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(service.ready, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

function stopAll() {
  stopping = true;
  if (children.size === 0) return finish();
  for (const child of children.values()) child.kill('SIGTERM');
  setTimeout(() => {
    for (const [name, child] of children) {
      say(`${name} did not stop in time; killing it`);
      child.kill('SIGKILL');
    }
  }, STOP_TIMEOUT_MS).unref();
}

function finish() {
  say('stopped');
  process.exit(process.exitCode ?? 0);
}

process.on('SIGINT', () => {
  if (stopping) {
    for (const child of children.values()) child.kill('SIGKILL');
    return;
  }
  say('stopping (Ctrl-C again to force)');
  stopAll();
});
process.on('SIGTERM', () => stopAll());

build();
await prepareSecret();
for (const service of services) await launch(service);
const ready = await Promise.all(services.map(waitUntilReady));
if (stopping) {
  // A service died while starting; its exit handler is stopping the rest.
} else if (ready.every(Boolean)) {
  const host = env.HOST && env.HOST !== '0.0.0.0' ? env.HOST : 'localhost';
  say(`Chatty is ready at http://${host}:${port('PORT', 5000)} (API reference at /api/docs)`);
} else {
  const late = services.filter((_, index) => !ready[index]).map((service) => service.name);
  say(`not ready after ${READY_TIMEOUT_MS / 1000} s: ${late.join(', ')}; see their logs above`);
}
