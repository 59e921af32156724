import ipaddr from 'ipaddr.js';

/** IPv6 global unicast lives in 2000::/3; everything else is local, special or unassigned. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * Why an address may not be reached, or null when it is public unicast. Names the range in words so a
 * denial says what was refused ("loopback", "private", "linkLocal"...). ipaddr.js classifies; the
 * IPv6 side is an allow list (2000::/3 and not one of its special blocks) because IPv6 embeds IPv4 in
 * several forms (mapped, compatible, NAT64, 6to4, Teredo) that would otherwise smuggle 127.0.0.1 in.
 */
export function refusalOf(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.parse(address);
  const range = parsed.range();
  if (parsed.kind() === 'ipv4') return range === 'unicast' ? null : range;
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return 'ipv4Mapped';
  if (range !== 'unicast') return range;
  if (!v6.match(GLOBAL_UNICAST_V6)) return 'not global unicast';
  return null;
}

/** An IP literal as a URL's hostname shows it (`[::1]`), unbracketed; null for a name. */
export function ipLiteralOf(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare))
    ? bare
    : null;
}
