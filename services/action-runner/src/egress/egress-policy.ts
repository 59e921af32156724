import { actionUnreachable, egressDenied } from '../errors.js';
import { destinationKey } from './allow-list.js';
import { ipLiteralOf, refusalOf } from './classify-address.js';
import type { ResolvedAddress, Resolver } from './resolver.js';

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

export interface EgressPolicy {
  allow: Set<string>;
  /** Ports allowed on public hosts (80 and 443 by default). */
  ports: Set<number>;
  resolve: Resolver;
}

/** Where a request may go: the URL and the one address it will connect to. */
export interface CheckedDestination {
  url: URL;
  port: number;
  pinned: ResolvedAddress;
}

/**
 * Decides whether `url` may be reached, before a byte is sent. The host is resolved exactly once and
 * the caller connects to the address returned here, so a name cannot pass the check with one answer
 * and connect with another (DNS rebinding). The URL has already been parsed by WHATWG rules, which
 * normalise every numeric IPv4 form (`127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`) to dotted
 * decimal and IPv6 to its canonical text, so the classification sees what a connection would use.
 */
export async function checkDestination(url: URL, policy: EgressPolicy): Promise<CheckedDestination> {
  const defaultPort = DEFAULT_PORTS[url.protocol];
  if (defaultPort === undefined)
    throw egressDenied(`Scheme ${url.protocol} is not allowed; use http or https`);
  if (url.username || url.password) throw egressDenied('Credentials in the URL are not allowed');
  const port = url.port ? Number(url.port) : defaultPort;
  const allowed = policy.allow.has(destinationKey(url.hostname, port));
  if (!allowed && !policy.ports.has(port)) {
    const ports = [...policy.ports].join(', ');
    throw egressDenied(
      `Port ${port} is not allowed (${ports} only, unless ACTION_EGRESS_ALLOW lists the host:port)`,
    );
  }

  const literal = ipLiteralOf(url.hostname);
  const addresses = literal
    ? [{ address: literal, family: literal.includes(':') ? 6 : 4 } as ResolvedAddress]
    : await resolveOnce(url.hostname, policy.resolve);
  if (!allowed) {
    for (const { address } of addresses) {
      const refusal = refusalOf(address);
      if (refusal) {
        const via = literal ? '' : ` (${url.hostname} resolves to it)`;
        throw egressDenied(`${address}${via} is not a public address: ${refusal}`);
      }
    }
  }
  return { url, port, pinned: addresses[0]! };
}

async function resolveOnce(hostname: string, resolve: Resolver): Promise<ResolvedAddress[]> {
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolve(hostname);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw actionUnreachable(`Could not resolve ${hostname} (${code})`);
  }
  if (addresses.length === 0) throw actionUnreachable(`${hostname} has no addresses`);
  return addresses;
}
