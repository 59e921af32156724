import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl } from '../../packages/testkit/src/index.js';
import { type ChildServices, distinctPorts, type RunningService, type Side } from '../child-services.js';

export const SECRET_KEY = 'bench-secret-key-that-is-long-enough-0123456789';

/** Everything one side's platform shares with the other side: the model worker and the action target. */
export interface Shared {
  workerUrl: string;
  targetHost: string;
  logLevel: string;
  /** Node flags for the gateway and the origin (`--cpu-prof`), or none. */
  profileFlags: (service: string, side: Side) => string[];
}

/** What one side's services keep state in; the bench removes all of it at the end. */
export interface SideState {
  database: string;
  dataDir: string;
  redisUrl: string;
  redisPrefix: string;
}

export interface Platform {
  side: Side;
  origin: RunningService;
  gateway: RunningService;
  registry: RunningService;
}

/** A database, a directory for objects and a Redis prefix of the side's own. */
export function sideState(side: Side, stamp: number): SideState {
  return {
    database: `chatty_bench_session_${stamp}_${side.key}`,
    dataDir: mkdtempSync(join(tmpdir(), `chatty-bench-${side.key}-`)),
    redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: `chatty-bench-${stamp}-${side.key}`,
  };
}

/**
 * Every service of one checkout, each a child process as deployed, on one database of its own
 * (registry, file-ingest and gateway keep their tables apart there) and a Redis prefix of its own.
 * Limits a user meets in production that one bench user would hit at once are lifted: chat rates and
 * concurrency, sessions per user, sign-ups per address.
 */
export async function startPlatform(
  services: ChildServices,
  side: Side,
  state: SideState,
  shared: Shared,
): Promise<Platform> {
  const [runnerPort, registryPort, ingestPort, gatewayPort, originPort, opsPort] = (await distinctPorts(
    6,
  )) as [number, number, number, number, number, number];
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const common = {
    DATABASE_URL: databaseUrl(state.database),
    REDIS_URL: state.redisUrl,
    REDIS_PREFIX: state.redisPrefix,
    SECRET_KEY,
    DATA_DIR: state.dataDir,
    MODELS_CONFIG: join(side.root, 'models.json'),
    LOG_LEVEL: shared.logLevel,
    DB_POOL_MAX: '10',
  };
  const suffix = side.key === 'work' ? '' : ` (${side.label})`;
  const start = (name: string, entry: string, port: number, env: Record<string, string>, opsAt?: number) =>
    services.start(
      {
        name: name + suffix,
        entry,
        root: side.root,
        env: { ...common, ...env },
        nodeFlags: shared.profileFlags(name, side),
        ...(opsAt === undefined ? {} : { opsPort: opsAt }),
      },
      port,
    );

  const runner = await start('action-runner', 'services/action-runner/src/server.ts', runnerPort, {
    ACTION_RUNNER_PORT: String(runnerPort),
    ACTION_RUNNER_HOST: '127.0.0.1',
    ACTION_EGRESS_ALLOW: shared.targetHost,
  });
  // The registry migrates the database first; file-ingest and the gateway add their tables after it.
  const registry = await start('gpt-registry', 'services/gpt-registry/src/server.ts', registryPort, {
    REGISTRY_PORT: String(registryPort),
    REGISTRY_HOST: '127.0.0.1',
    ACTION_RUNNER_URL: runner.url,
    GATEWAY_URL: url(gatewayPort),
    AUTH_RATE_LIMIT_PER_ADDRESS: '1000000',
    ACTION_RATE_PER_MINUTE: '1000000',
  });
  const ingest = await start('file-ingest', 'services/file-ingest/src/server.ts', ingestPort, {
    INGEST_PORT: String(ingestPort),
    INGEST_HOST: '127.0.0.1',
    INGEST_CONCURRENCY: '1',
  });
  const gateway = await start('inference-gateway', 'services/inference-gateway/src/server.ts', gatewayPort, {
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_HOST: '127.0.0.1',
    OLLAMA_URLS: shared.workerUrl,
    REGISTRY_URL: registry.url,
    INGEST_URL: ingest.url,
    ACTION_RUNNER_URL: runner.url,
    // The test worker is not a GPU: the cap is lifted so that 64 answers at once measure the path.
    WORKER_CONCURRENCY: '256',
    WORKER_QUEUE_LIMIT: '1024',
    WORKER_QUEUE_LIMIT_PER_USER: '1024',
    CHAT_RATE_PER_MINUTE: '0',
    CHAT_MAX_CONCURRENT: '0',
    CHAT_KEY_RATE_PER_MINUTE: '0',
    CHAT_KEY_MAX_CONCURRENT: '0',
    QUOTA_SESSIONS: '100000',
  });
  const origin = await start(
    'web',
    'services/web/src/server.ts',
    originPort,
    {
      PORT: String(originPort),
      HOST: '127.0.0.1',
      OPS_PORT: String(opsPort),
      REGISTRY_URL: registry.url,
      GATEWAY_URL: gateway.url,
      // Every virtual user of the load generator comes from 127.0.0.1.
      MAX_CONNECTIONS_PER_IP: '4096',
    },
    opsPort,
  );
  return { side, origin, gateway, registry };
}
