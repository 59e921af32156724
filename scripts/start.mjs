#!/usr/bin/env node
// Runs the whole platform on one machine: builds what changed, then starts every service as its own
// process with its logs prefixed. Ctrl-C stops them all; a service that dies stops the rest and is reported.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
env.ACTION_RUNNER_URL ||= `http://127.0.0.1:${port('ACTION_RUNNER_PORT', 5030)}`;
env.GATEWAY_URL ||= `http://127.0.0.1:${port('GATEWAY_PORT', 5040)}`;
env.INGEST_URL ||= `http://127.0.0.1:${port('INGEST_PORT', 5020)}`;
// Object storage: without S3_ENDPOINT, an embedded S3-compatible server on loopback keeps the blobs under
// DATA_DIR/s3, and the services are pointed at it.
const embeddedS3 = !env.S3_ENDPOINT;
if (embeddedS3) {
  env.S3_ENDPOINT = `http://127.0.0.1:${port('EMBEDDED_S3_PORT', 5090)}`;
  env.S3_ACCESS_KEY = 'S3RVER';
  env.S3_SECRET_KEY = 'S3RVER';
}
const services = [
  ...(embeddedS3
    ? [
        {
          name: 'embedded-s3',
          entry: 'packages/shared/dist/storage/embedded-s3-server.js',
          ready: `${env.S3_ENDPOINT}/`,
        },
      ]
    : []),
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
