import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { ResolvedAddress } from './resolver.js';

/** Names from a hosts file, lower case without a trailing dot, to their addresses in file order. */
export type HostsTable = ReadonlyMap<string, ResolvedAddress[]>;

/**
 * c-ares's Resolver asks DNS servers only, so the runner reads the hosts file itself to keep what
 * getaddrinfo gave: `localhost`, compose `extra_hosts`, on-prem names an operator pinned there. Every
 * line naming a host counts (as glibc's files backend collects them), duplicates once.
 */
export function parseHostsFile(text: string): HostsTable {
  const table = new Map<string, ResolvedAddress[]>();
  for (const line of text.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    const family = address ? isIP(address) : 0;
    if (family === 0) continue;
    for (const raw of names) {
      const name = hostKey(raw);
      const known = table.get(name) ?? [];
      if (!known.some((entry) => entry.address === address)) {
        known.push({ address: address!, family: family as 4 | 6 });
      }
      table.set(name, known);
    }
  }
  return table;
}

/**
 * Read once, when the runner starts: a lookup must not wait on file I/O (the thread pool this resolver
 * exists to stay off), and containers write their hosts file before the process starts.
 */
export async function loadHostsFile(path: string): Promise<HostsTable> {
  try {
    return parseHostsFile(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
}

/** How names are compared: DNS is case-insensitive, and `name.` is the same host as `name`. */
export function hostKey(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}
