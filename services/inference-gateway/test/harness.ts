import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  buildGateway,
  type GatewayApp,
  type GatewayOverrides,
  loadGatewayConfig,
} from '@chatty/inference-gateway';
import { parseModelCatalog } from '@chatty/shared';
import {
  cloneTestDatabase,
  type OllamaServerOptions,
  type OllamaTestServer,
  startOllamaServer,
  TEST_REDIS_URL,
} from '@chatty/testkit';
import { inject } from 'vitest';
import {
  createGpt,
  type RegistryHarness,
  signUp,
  startRegistry,
  TEST_SECRET,
} from '../../gpt-registry/test/harness.js';
import { type Doubles, type RuntimeFixture, startDoubles } from './contract-doubles.js';

/** The seed's models plus a fallback chain and an alias, as an operator would extend models.json. */
export const TEST_MODELS = parseModelCatalog({
  coding: { tag: 'deepseek-coder', role: 'coding assistant', fallback: ['phi3'] },
  creative: { tag: 'mistral', role: 'creative assistant' },
  smalltalk: { tag: 'phi3', role: 'conversational assistant', aliases: ['small'] },
  core: {
    tag: 'chatty-core',
    role: 'multi-model synthesis',
    kind: 'synth',
    members: ['deepseek-coder', 'phi3'],
    synthesizer: 'mistral',
  },
});

export const urlOf = (server: { address(): AddressInfo | string | null }) =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

export interface GatewayHarness {
  gateway: GatewayApp;
  url: string;
  registry: RegistryHarness;
  doubles: Doubles;
  workers: OllamaTestServer[];
  close(): Promise<void>;
}

export interface BareGateway {
  gateway: GatewayApp;
  url: string;
  workers: OllamaTestServer[];
  close(): Promise<void>;
}

/**
 * Fair-use limits are off unless a test sets them: most tests send many requests as one user. Each
 * gateway counts under a Redis prefix of its own, unless a test gives two the same REDIS_PREFIX.
 */
const NO_LIMITS = {
  CHAT_RATE_PER_MINUTE: '0',
  CHAT_MAX_CONCURRENT: '0',
  CHAT_KEY_RATE_PER_MINUTE: '0',
  CHAT_KEY_MAX_CONCURRENT: '0',
};

/** An Ollama test worker; `parallel` becomes its `#parallel=N` in OLLAMA_URLS. */
export type TestWorker = OllamaServerOptions & { parallel?: number };

/**
 * Ollama test workers and a gateway on a real port, talking to the given registry (and file-ingest).
 * `databaseUrl`: the registry's database, shared as in a deployment, so the gateway hears the
 * registry's change notices and holds its turn answers; otherwise a database of its own.
 */
export async function startBareGateway(
  services: { registryUrl: string; ingestUrl?: string; databaseUrl?: string },
  workers: TestWorker[],
  env: Record<string, string> = {},
  overrides: Omit<GatewayOverrides, 'db'> = {},
): Promise<BareGateway> {
  const ollamas = await Promise.all(workers.map(({ parallel: _, ...options }) => startOllamaServer(options)));
  const database = services.databaseUrl
    ? { url: services.databaseUrl, drop: async () => {} }
    : await cloneTestDatabase(inject('templateDatabase'));
  const config = loadGatewayConfig({
    DATABASE_URL: database.url,
    SECRET_KEY: TEST_SECRET,
    REGISTRY_URL: services.registryUrl,
    ...(services.ingestUrl && { INGEST_URL: services.ingestUrl }),
    OLLAMA_URLS: ollamas
      .map((worker, index) => {
        const parallel = workers[index]!.parallel;
        return parallel === undefined ? worker.url : `${worker.url}#parallel=${parallel}`;
      })
      .join(','),
    LOG_LEVEL: 'silent',
    DB_POOL_MAX: '4',
    WORKER_HEALTH_INTERVAL_MS: '200',
    GENERATION_IDLE_TIMEOUT_MS: '1500',
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `chatty-test-${randomUUID()}`,
    ...NO_LIMITS,
    ...env,
  });
  const gateway = await buildGateway(config, { models: TEST_MODELS, ...overrides }).catch(async (error) => {
    await Promise.all(ollamas.map((worker) => worker.close()));
    await database.drop();
    throw error;
  });
  await gateway.listen({ port: 0, host: '127.0.0.1' });
  return {
    gateway,
    url: urlOf(gateway.server),
    workers: ollamas,
    async close() {
      const closing = gateway.close();
      // A client may leave a connection open without a request on it (fetch does after an abort).
      gateway.server.closeAllConnections();
      await closing;
      await Promise.all(ollamas.map((worker) => worker.close()));
      await database.drop();
    },
  };
}

export interface CoServices {
  registry: RegistryHarness;
  doubles: Doubles;
  close(): Promise<void>;
}

/** The real registry behind the contract doubles for the routes of other services. */
export async function startCoServices(): Promise<CoServices> {
  const registry = await startRegistry();
  await registry.app.listen({ port: 0, host: '127.0.0.1' });
  const doubles = await startDoubles(urlOf(registry.app.server));
  return {
    registry,
    doubles,
    async close() {
      await doubles.close();
      await registry.close();
    },
  };
}

/** A gateway with its own workers and database, using co-services that outlive it. */
export async function gatewayWith(
  co: CoServices,
  workers: TestWorker[],
  env: Record<string, string> = {},
  overrides: Omit<GatewayOverrides, 'db'> = {},
): Promise<GatewayHarness> {
  const bare = await startBareGateway(
    { registryUrl: co.doubles.url, ingestUrl: co.doubles.url },
    workers,
    env,
    overrides,
  );
  return { ...bare, registry: co.registry, doubles: co.doubles };
}

/** Registry (real), contract doubles for the routes others are building, Ollama test workers, a gateway. */
export async function startGateway(
  workers: OllamaServerOptions[],
  env: Record<string, string> = {},
): Promise<GatewayHarness> {
  const co = await startCoServices();
  const harness = await gatewayWith(co, workers, env);
  return {
    ...harness,
    async close() {
      await harness.close();
      await co.close();
    },
  };
}

/** A user with a GPT in the real registry, known to the runtime double with the given actions. */
export async function userWithGpt(
  harness: GatewayHarness,
  gpt: { modelId?: string; instructions?: string } = {},
  actions: RuntimeFixture['actions'] = [],
) {
  const user = await signUp(harness.registry.app);
  const created = await createGpt(harness.registry.app, user.auth, {
    name: 'Helper',
    instructions: gpt.instructions ?? 'You are a careful assistant.',
    modelId: gpt.modelId ?? 'phi3',
  });
  harness.doubles.runtimes.set(created.id, {
    userId: user.user.id,
    gpt: {
      id: created.id,
      name: created.name,
      instructions: gpt.instructions ?? 'You are a careful assistant.',
      modelId: gpt.modelId ?? 'phi3',
    },
    actions,
  });
  return { ...user, gptId: created.id };
}

export async function post(url: string, auth: Record<string, string>, body: unknown, accept?: string) {
  return fetch(url, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', ...(accept && { accept }) },
    body: JSON.stringify(body),
  });
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads a whole SSE answer into its events. */
export async function readEvents(response: Response): Promise<SseEvent[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '{}';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

export async function newSession(
  target: { url: string },
  owner: { auth: Record<string, string>; gptId: string },
) {
  const response = await post(`${target.url}/api/gpts/${owner.gptId}/sessions`, owner.auth, {});
  if (response.status !== 201) throw new Error(`session: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}
