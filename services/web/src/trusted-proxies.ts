import { BlockList, isIP } from 'node:net';

/** The names TRUST_PROXY accepts besides addresses and ranges, as Fastify (proxy-addr) reads them. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Whether a peer is one of the proxies TRUST_PROXY names — the same setting Fastify uses to believe
 * X-Forwarded-For — decided from the socket alone, before any request has been read on it.
 */
export function trustedProxies(trust: boolean | string[]): (address: string | undefined) => boolean {
  if (trust === true) return () => true;
  if (trust === false || trust.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of trust.flatMap((name) => NAMED_RANGES[name] ?? [name])) {
    const [address, bits] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0) throw new Error(`TRUST_PROXY: ${entry} is not an address, a range or a known name`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(bits), type);
  }
  return (address) => {
    if (!address) return false;
    // An IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d.
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    return list.check(plain, isIP(plain) === 4 ? 'ipv4' : 'ipv6');
  };
}
