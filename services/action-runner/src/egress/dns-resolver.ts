import { Resolver as DnsResolver } from 'node:dns/promises';
import { DnsCache } from './dns-cache.js';
import { type DnsOutcome, queryAddresses } from './dns-query.js';
import { type HostsTable, hostKey } from './hosts-file.js';
import type { ResolvedAddress, Resolver } from './resolver.js';

export interface DnsResolverOptions {
  /** `address[:port]` entries (see parseDnsServers); empty: those of /etc/resolv.conf. */
  servers: string[];
  /** How long one name may take, A and AAAA together. */
  timeoutMs: number;
  /** Ceiling on reuse of an answer; 0: no cache. */
  maxTtlSeconds: number;
  hosts: HostsTable;
  /** How long "no such name" is remembered. */
  negativeTtlMs?: number;
  now?: () => number;
}

export interface DnsResolverHandle {
  resolve: Resolver;
  /** Ends queries still waiting on a server, so the process may exit. */
  close(): void;
}

const NEGATIVE_TTL_MS = 5_000;
/** RFC 6761: `localhost` and names under it are loopback and never asked of DNS. */
const LOCALHOST: ResolvedAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

/**
 * The runner's resolver. dns.lookup (getaddrinfo) blocks one of libuv's 4 pool threads per lookup,
 * so four slow names would stall every other action, and file I/O with them; c-ares's Resolver keeps
 * queries on the event loop and has a timeout of its own. In order: the hosts file (read at start),
 * `localhost`, cached answers, then one query per name at a time, shared by whoever asks meanwhile.
 * Search domains of resolv.conf are not applied (c-ares's Resolver asks for the name as written).
 */
export function createDnsResolver(options: DnsResolverOptions): DnsResolverHandle {
  // c-ares doubles the timeout on its second try, so two tries end at about the deadline.
  const dns = new DnsResolver({ timeout: Math.max(1, Math.floor(options.timeoutMs / 3)), tries: 2 });
  if (options.servers.length > 0) dns.setServers(options.servers);
  const cache = new DnsCache(options.maxTtlSeconds * 1000, options.now);
  const negativeTtlMs = options.negativeTtlMs ?? NEGATIVE_TTL_MS;
  const inFlight = new Map<string, Promise<DnsOutcome>>();

  const ask = (name: string): Promise<DnsOutcome> => {
    let pending = inFlight.get(name);
    if (!pending) {
      pending = queryAddresses(dns, name, options.timeoutMs).then((outcome) => {
        if ('absent' in outcome) cache.set(name, { code: outcome.absent }, negativeTtlMs);
        else if ('addresses' in outcome && outcome.complete)
          cache.set(name, { addresses: outcome.addresses }, outcome.ttlSeconds * 1000);
        return outcome;
      });
      inFlight.set(name, pending);
      pending.finally(() => inFlight.delete(name)).catch(() => {});
    }
    return pending;
  };

  const resolve: Resolver = async (hostname) => {
    const name = hostKey(hostname);
    const pinned = options.hosts.get(name);
    if (pinned) return pinned;
    if (name === 'localhost' || name.endsWith('.localhost')) return LOCALHOST;
    const answer = cache.get(name) ?? (await ask(name));
    if ('addresses' in answer) return answer.addresses;
    const code = 'code' in answer ? answer.code : 'absent' in answer ? answer.absent : answer.failed;
    throw Object.assign(new Error(`${code} ${hostname}`), { code });
  };

  return { resolve, close: () => dns.cancel() };
}
