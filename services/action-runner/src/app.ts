import {
  createLogger,
  createServiceApp,
  type Logger,
  resolveSecretKey,
  serverLimitsOf,
  serviceToken,
} from '@chatty/shared';
import type { ActionRunnerConfig } from './config.js';
import { parseAllowList } from './egress/allow-list.js';
import { createDnsResolver, type DnsResolverHandle } from './egress/dns-resolver.js';
import { parseDnsServers } from './egress/dns-servers.js';
import { loadHostsFile } from './egress/hosts-file.js';
import type { Resolver } from './egress/resolver.js';
import { AgentPool } from './request/agent-pool.js';
import { executeRoute } from './routes/execute.route.js';

export interface ActionRunnerOverrides {
  logger?: Logger;
  /** How names are resolved; tests make names resolve to loopback, or differently on each call. */
  resolver?: Resolver;
}

/** A ready action-runner; it never listens (server.ts does). It holds no data-store credentials. */
export async function buildActionRunner(config: ActionRunnerConfig, overrides: ActionRunnerOverrides = {}) {
  const logger =
    overrides.logger ?? createLogger({ name: 'action-runner', level: config.LOG_LEVEL, debug: config.DEBUG });
  // Its own credential, not the master secret: a compromised runner can neither sign sessions nor
  // open another service's internal routes or the stored action secrets.
  const token =
    config.ACTION_RUNNER_TOKEN ??
    serviceToken(resolveSecretKey(config.SECRET_KEY, config.DATA_DIR), 'action-runner');
  const dns = overrides.resolver ? { resolve: overrides.resolver, close() {} } : await dnsResolver(config);
  const app = await createServiceApp({ service: 'action-runner', logger, limits: serverLimitsOf(config) });
  const agents = new AgentPool();
  app.addHook('onClose', async () => {
    agents.close();
    dns.close();
  });
  await app.register(executeRoute, {
    token,
    agents,
    policy: {
      allow: parseAllowList(config.ACTION_EGRESS_ALLOW),
      ports: new Set(config.ACTION_EGRESS_PORTS.split(',').map((port) => Number(port.trim()))),
      resolve: dns.resolve,
    },
    limits: { timeoutMs: config.ACTION_TIMEOUT_MS, maxResponseBytes: config.ACTION_MAX_RESPONSE_BYTES },
  });
  return app;
}

async function dnsResolver(config: ActionRunnerConfig): Promise<DnsResolverHandle> {
  return createDnsResolver({
    servers: parseDnsServers(config.ACTION_DNS_SERVERS),
    timeoutMs: config.ACTION_DNS_TIMEOUT_MS,
    maxTtlSeconds: config.ACTION_DNS_MAX_TTL_SECONDS,
    hosts: await loadHostsFile('/etc/hosts'),
  });
}

export type ActionRunnerApp = Awaited<ReturnType<typeof buildActionRunner>>;
