import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildActionRunner, loadActionRunnerConfig } from '@chatty/action-runner';
import { buildIngest, type IngestApp, loadIngestConfig } from '@chatty/file-ingest';
import { buildRegistry, loadRegistryConfig, type RegistryApp } from '@chatty/gpt-registry';
import { buildGateway, type GatewayApp, loadGatewayConfig } from '@chatty/inference-gateway';
import {
  cloneTestDatabase,
  type OllamaServerOptions,
  type OllamaTestServer,
  startOllamaServer,
  startTestS3,
  TEST_REDIS_URL,
  type TestDatabase,
  type TestS3,
  testNamespace,
} from '@chatty/testkit';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import { inject } from 'vitest';
import { freePort } from '../../../test/start-harness.js';
import { MODELS_JSON, TEST_SECRET } from '../../gpt-registry/test/harness.js';
import { TEST_MODELS } from './harness.js';

/** The credentials each service holds on its own, as compose sets them: none of them is SECRET_KEY. */
export const RUNNER_TOKEN = 'the-action-runners-own-credential-0123456789';
export const INGEST_TOKEN = 'file-ingests-own-credential-0123456789abcdef';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A TCP relay from the registry to the gateway that a test can cut: the two services then cannot
 * reach each other while clients still reach both through the origin.
 */
export interface Link {
  url: string;
  up: boolean;
}

/**
 * Every Chatty service on a real port behind the public origin: the registry and the gateway (each
 * restartable on its port with other settings, on the same database, as a rolling restart does), the
 * action-runner and file-ingest with their own credentials and no SECRET_KEY, an Ollama test worker,
 * and a loopback action target that records what it receives.
 */
export interface OriginStack {
  origin: string;
  registry: RegistryApp;
  gateway: GatewayApp;
  registryUrl: string;
  gatewayUrl: string;
  runnerUrl: string;
  ingestUrl: string;
  target: { url: string; received: Received[] };
  workers: OllamaTestServer[];
  /** The registry's way to the gateway (GATEWAY_URL). */
  link: Link;
  /** Stops the registry and starts it again on its port, database and Redis prefix with `env` added. */
  restartRegistry(env: Record<string, string>): Promise<void>;
  /** The same for the gateway. */
  restartGateway(env: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

const NO_LIMITS = {
  CHAT_RATE_PER_MINUTE: '0',
  CHAT_MAX_CONCURRENT: '0',
  CHAT_KEY_RATE_PER_MINUTE: '0',
  CHAT_KEY_MAX_CONCURRENT: '0',
};

async function recordingTarget() {
  const received: Received[] = [];
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({
      method: request.method!,
      url: request.url!,
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ ok: true, path: request.url }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, received, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

async function relay(to: () => number): Promise<{ server: Server; link: Link; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  let up = true;
  const link: Link = {
    url: '',
    get up() {
      return up;
    },
    // Cut means cut: the connections the registry keeps alive to the gateway go too.
    set up(value: boolean) {
      up = value;
      if (!value) for (const socket of sockets) socket.destroy();
    },
  };
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect(to(), '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  link.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { server, link, sockets };
}

export async function startOriginStack(
  options: {
    registryEnv?: Record<string, string>;
    gatewayEnv?: Record<string, string>;
    webEnv?: Record<string, string>;
    workers?: OllamaServerOptions[];
  } = {},
): Promise<OriginStack> {
  const closers: Array<() => Promise<unknown> | unknown> = [];
  const target = await recordingTarget();
  closers.push(() => {
    target.server.closeAllConnections();
    return new Promise((resolve) => target.server.close(resolve));
  });
  const workers = await Promise.all(
    (options.workers ?? [{ models: ['phi3'] }]).map((worker) => startOllamaServer(worker)),
  );
  closers.push(() => Promise.all(workers.map((worker) => worker.close())));
  // One database for every service, as compose runs them: the gateway hears the registry's changes.
  const database: TestDatabase = await cloneTestDatabase(inject('templateDatabase'));
  closers.push(() => database.drop());
  const s3: TestS3 = await startTestS3();
  closers.push(() => s3.close());
  const redisPrefix = `chatty-test-${randomUUID()}`;
  const rateLimitNamespace = testNamespace('rate-limit');

  // The runner and file-ingest hold only their own credentials, in data directories they keep empty.
  const runner = await buildActionRunner(
    loadActionRunnerConfig({
      ACTION_RUNNER_TOKEN: RUNNER_TOKEN,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'chatty-runner-')),
      LOG_LEVEL: 'silent',
      ACTION_EGRESS_ALLOW: new URL(target.url).host,
    }),
  );
  await runner.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => runner.close());
  const ingest: IngestApp = await buildIngest(
    loadIngestConfig({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      INGEST_SERVICE_TOKEN: INGEST_TOKEN,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'chatty-ingest-')),
      LOG_LEVEL: 'silent',
      DB_POOL_MAX: '2',
      INGEST_WORKER: 'false',
      ...s3.env,
    }),
  );
  await ingest.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => ingest.close());
  const runnerUrl = `http://127.0.0.1:${(runner.server.address() as { port: number }).port}`;
  const ingestUrl = `http://127.0.0.1:${(ingest.server.address() as { port: number }).port}`;

  const registryPort = await freePort();
  const gatewayPort = await freePort();
  const toGateway = await relay(() => gatewayPort);
  closers.push(() => {
    for (const socket of toGateway.sockets) socket.destroy();
    return new Promise((resolve) => toGateway.server.close(resolve));
  });

  let registryEnv = { ...options.registryEnv };
  let gatewayEnv = { ...options.gatewayEnv };
  const startRegistryApp = async () => {
    const app = await buildRegistry(
      loadRegistryConfig({
        ...s3.env,
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: redisPrefix,
        SECRET_KEY: TEST_SECRET,
        MODELS_CONFIG: MODELS_JSON,
        ACTION_RUNNER_URL: runnerUrl,
        ACTION_RUNNER_TOKEN: RUNNER_TOKEN,
        GATEWAY_URL: toGateway.link.url,
        LOG_LEVEL: 'silent',
        DB_POOL_MAX: '4',
        ...registryEnv,
      }),
      { rateLimitNamespace },
    );
    await app.listen({ port: registryPort, host: '127.0.0.1' });
    return app;
  };
  const startGatewayApp = async () => {
    const app = await buildGateway(
      loadGatewayConfig({
        DATABASE_URL: database.url,
        SECRET_KEY: TEST_SECRET,
        REGISTRY_URL: `http://127.0.0.1:${registryPort}`,
        INGEST_URL: ingestUrl,
        INGEST_SERVICE_TOKEN: INGEST_TOKEN,
        ACTION_RUNNER_TOKEN: RUNNER_TOKEN,
        OLLAMA_URLS: workers.map((worker) => worker.url).join(','),
        LOG_LEVEL: 'silent',
        DB_POOL_MAX: '4',
        WORKER_HEALTH_INTERVAL_MS: '200',
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: redisPrefix,
        ...NO_LIMITS,
        ...gatewayEnv,
      }),
      { models: TEST_MODELS },
    );
    await app.listen({ port: gatewayPort, host: '127.0.0.1' });
    return app;
  };
  const stopApp = async (app: RegistryApp | GatewayApp) => {
    const closing = app.close();
    app.server.closeAllConnections();
    await closing;
  };

  let registry = await startRegistryApp();
  let gateway = await startGatewayApp();
  const web: WebApp = await buildWeb(
    loadWebConfig({
      REGISTRY_URL: `http://127.0.0.1:${registryPort}`,
      GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
      LOG_LEVEL: 'silent',
      ...options.webEnv,
    }),
  );
  await web.listen({ port: 0, host: '127.0.0.1' });

  const stack: OriginStack = {
    origin: `http://127.0.0.1:${(web.server.address() as { port: number }).port}`,
    registry,
    gateway,
    registryUrl: `http://127.0.0.1:${registryPort}`,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    runnerUrl,
    ingestUrl,
    target,
    workers,
    link: toGateway.link,
    async restartRegistry(env) {
      await stopApp(registry);
      registryEnv = { ...options.registryEnv, ...env };
      registry = await startRegistryApp();
      stack.registry = registry;
    },
    async restartGateway(env) {
      await stopApp(gateway);
      gatewayEnv = { ...options.gatewayEnv, ...env };
      gateway = await startGatewayApp();
      stack.gateway = gateway;
    },
    async close() {
      await web.close();
      await stopApp(gateway);
      await stopApp(registry);
      for (const close of closers.reverse()) await close();
    },
  };
  return stack;
}

/** fetch through the origin with a JSON body; answers the status and the parsed body. */
export async function callThrough(
  origin: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
) {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const json = /^\s*[[{]/.test(text) ? JSON.parse(text) : undefined;
  return { status: response.status, text, json };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
