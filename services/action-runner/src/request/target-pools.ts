import tls from 'node:tls';
import { Pool } from 'undici';
import type { CheckedDestination } from '../egress/egress-policy.js';

const MAX_POOLS = 256;
const CONNECTIONS_PER_POOL = 128;

/**
 * Keep-alive connections, one undici pool per (scheme, host name, port, checked address). A pool's
 * origin is the checked address itself, so its sockets can only ever reach the address a check
 * approved, and a request is handed to a pool only when its own check pinned that same address: reuse
 * never skips the egress policy, and a name that now resolves elsewhere gets a different pool. TLS
 * keeps the name (SNI and certificate checks use it, not the address). Least recently used pools are
 * closed past a bound.
 */
export class TargetPools {
  private readonly pools = new Map<string, Pool>();
  /** Set only with extra authorities: the defaults then have to be named alongside them. */
  private readonly ca: string[] | undefined;

  /** `extraCa`: PEM certificates trusted besides Node's defaults (ACTION_TLS_CA_FILE). */
  constructor(extraCa = '') {
    this.ca = extraCa ? [...tls.getCACertificates('default'), extraCa] : undefined;
  }

  poolFor({ url, port, pinned }: CheckedDestination): Pool {
    const key = `${url.protocol}//${url.hostname}:${port}@${pinned.address}`;
    let pool = this.pools.get(key);
    if (pool) {
      this.pools.delete(key);
    } else {
      pool = newPool({ url, port, pinned }, this.ca);
    }
    this.pools.set(key, pool);
    if (this.pools.size > MAX_POOLS) {
      const [oldestKey, oldest] = this.pools.entries().next().value!;
      this.pools.delete(oldestKey);
      // Calls in flight on it finish; its idle sockets close now.
      oldest.close().catch(() => {});
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy().catch(() => {})));
  }
}

function newPool({ url, port, pinned }: CheckedDestination, ca: string[] | undefined): Pool {
  const address = pinned.family === 6 ? `[${pinned.address}]` : pinned.address;
  const origin = `${url.protocol}//${address}:${port}`;
  const literal = url.hostname.startsWith('[') || pinned.address === url.hostname;
  if (url.protocol !== 'https:') return new Pool(origin, { connections: CONNECTIONS_PER_POOL });
  return new Pool(origin, {
    connections: CONNECTIONS_PER_POOL,
    // SNI and the certificate's name check use the name the action was written with. An IP literal
    // sends no SNI (RFC 6066) and is checked as an address.
    connect: { ...(!literal && { servername: url.hostname }), ...(ca && { ca }) },
  });
}
