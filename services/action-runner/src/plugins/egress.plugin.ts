import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ActionRunnerConfig } from '../config.js';
import { parseAllowList } from '../egress/allow-list.js';
import { createDnsResolver, type DnsResolverHandle } from '../egress/dns-resolver.js';
import { parseDnsServers } from '../egress/dns-servers.js';
import { loadHostsFile } from '../egress/hosts-file.js';
import type { Resolver } from '../egress/resolver.js';
import type { ExecuteContext } from '../request/execute-request.js';
import { TargetPools } from '../request/target-pools.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** How an action's request goes out: the egress policy, the limits, and the connection pool. */
    execution: ExecuteContext;
  }
}

export interface EgressPluginOptions {
  config: ActionRunnerConfig;
  /** How names are resolved; tests make names resolve to loopback, or differently on each call. */
  resolver?: Resolver | undefined;
}

/** The egress policy (allow list, ports, DNS) and the pools that send the checked requests. */
export const egressPlugin = fp(
  async (app: FastifyInstance, { config, resolver }: EgressPluginOptions) => {
    const dns = resolver ? { resolve: resolver, close() {} } : await dnsResolver(config);
    const pools = new TargetPools(await extraAuthorities(config.ACTION_TLS_CA_FILE));
    app.decorate('execution', {
      pools,
      policy: {
        allow: parseAllowList(config.ACTION_EGRESS_ALLOW),
        ports: new Set(config.ACTION_EGRESS_PORTS.split(',').map((port) => Number(port.trim()))),
        resolve: dns.resolve,
      },
      limits: { timeoutMs: config.ACTION_TIMEOUT_MS, maxResponseBytes: config.ACTION_MAX_RESPONSE_BYTES },
    });
    app.addHook('onClose', async () => {
      dns.close();
      await pools.close();
    });
  },
  { name: 'runner-egress' },
);

async function dnsResolver(config: ActionRunnerConfig): Promise<DnsResolverHandle> {
  return createDnsResolver({
    servers: parseDnsServers(config.ACTION_DNS_SERVERS),
    timeoutMs: config.ACTION_DNS_TIMEOUT_MS,
    maxTtlSeconds: config.ACTION_DNS_MAX_TTL_SECONDS,
    hosts: await loadHostsFile('/etc/hosts'),
  });
}

async function extraAuthorities(file: string): Promise<string> {
  if (!file) return '';
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`ACTION_TLS_CA_FILE ${file} cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new Error(`ACTION_TLS_CA_FILE ${file} holds no PEM certificate`);
  return pem;
}
