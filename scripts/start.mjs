#!/usr/bin/env node
// Runs the whole platform on one machine: builds what changed, then starts every service as its own
// process with its logs prefixed, under a supervisor (supervise.mjs) that restarts a service that
// crashes. Ctrl-C stops them all.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSupervisor, READY_TIMEOUT_MS } from './supervise.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env };
const pretty = env.LOG_FORMAT !== 'json';

const port = (name, fallback) => Number(env[name] || fallback);
// The origin finds the services on the ports this script gives them, unless told otherwise.
env.REGISTRY_URL ||= `http://127.0.0.1:${port('REGISTRY_PORT', 5010)}`;
env.ACTION_RUNNER_URL ||= `http://127.0.0.1:${port('ACTION_RUNNER_PORT', 5030)}`;
env.GATEWAY_URL ||= `http://127.0.0.1:${port('GATEWAY_PORT', 5040)}`;
env.INGEST_URL ||= `http://127.0.0.1:${port('INGEST_PORT', 5020)}`;
// Object storage needs no process of its own: without S3_ENDPOINT the services keep objects as files
// under DATA_DIR/objects, which they share on this machine.
const services = [
  {
    // Executes actions under the egress policy; holds no data-store settings.
    name: 'action-runner',
    entry: 'services/action-runner/dist/server.js',
    ready: `http://127.0.0.1:${port('ACTION_RUNNER_PORT', 5030)}/health/ready`,
  },
  {
    name: 'gpt-registry',
    entry: 'services/gpt-registry/dist/server.js',
    ready: `http://127.0.0.1:${port('REGISTRY_PORT', 5010)}/health/ready`,
  },
  {
    // The ingest worker (extraction, chunks) and the knowledge search the gateway calls.
    name: 'file-ingest',
    entry: 'services/file-ingest/dist/server.js',
    ready: `http://127.0.0.1:${port('INGEST_PORT', 5020)}/health/ready`,
  },
  {
    // Chat; it reaches Ollama at OLLAMA_URLS (default http://127.0.0.1:11434) and stays up without it.
    name: 'inference-gateway',
    entry: 'services/inference-gateway/dist/server.js',
    ready: `http://127.0.0.1:${port('GATEWAY_PORT', 5040)}/health/ready`,
  },
  {
    name: 'web',
    entry: 'services/web/dist/server.js',
    // Liveness of the public port: the services behind it are polled themselves above, and web's own
    // readiness (its upstreams) is an operators' route that may sit on another port (OPS_PORT).
    ready: `http://127.0.0.1:${port('PORT', 5000)}/health/live`,
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
  buildUi();
}

/** The web UI, rebuilt only when one of its sources is newer than the last build. */
function buildUi() {
  const ui = join(root, 'services/web/ui');
  const built = join(root, 'services/web/dist/ui/index.html');
  if (existsSync(built) && newestMtime(ui) <= statSync(built).mtimeMs) return;
  say('building the web UI');
  const result = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--config', 'services/web/ui/vite.config.ts'],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) {
    say('UI build failed; fix the errors above and run npm start again');
    process.exit(result.status ?? 1);
  }
}

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
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

async function waitUntilReady(service, isCurrent, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && isCurrent()) {
    try {
      const response = await fetch(service.ready, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return isCurrent();
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

const formats = new Map();

function spawnService(service) {
  const child = spawn(process.execPath, ['--enable-source-maps', service.entry], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const format = formats.get(service.name);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${format(line)}\n`));
  }
  return child;
}

const supervisor = createSupervisor({
  services,
  spawnService,
  waitUntilReady,
  say,
  exit(code) {
    say('stopped');
    process.exit(code);
  },
});

process.on('SIGINT', () => {
  if (supervisor.stopping) {
    supervisor.kill();
    return;
  }
  say('stopping (Ctrl-C again to force)');
  supervisor.stop();
});
process.on('SIGTERM', () => supervisor.stop());

build();
await prepareSecret();
for (const service of services) formats.set(service.name, await lineFormatter(service.name));
const late = await supervisor.start();
if (supervisor.stopping) {
  // A service died while starting; the supervisor has said which and is stopping the rest.
} else if (late.length === 0) {
  const host = env.HOST && env.HOST !== '0.0.0.0' ? env.HOST : 'localhost';
  say(`Chatty is ready at http://${host}:${port('PORT', 5000)} (API reference at /api/docs)`);
} else {
  say(`not ready after ${READY_TIMEOUT_MS / 1000} s: ${late.join(', ')}; see their logs above`);
}
