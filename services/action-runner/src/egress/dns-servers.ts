import { isIP } from 'node:net';

/**
 * ACTION_DNS_SERVERS: comma-separated `address` or `address:port` (IPv6 as `[address]:port`), the
 * forms dns.Resolver#setServers takes. Checked here so a typo stops the runner at start with the
 * variable's name rather than failing every lookup. Empty: the servers of /etc/resolv.conf.
 */
export function parseDnsServers(setting: string): string[] {
  const servers: string[] = [];
  for (const raw of setting.split(',').map((part) => part.trim())) {
    if (!raw) continue;
    if (!isServer(raw)) {
      throw new Error(`ACTION_DNS_SERVERS: "${raw}" is not an IP address with an optional port`);
    }
    servers.push(raw);
  }
  return servers;
}

function isServer(text: string): boolean {
  if (isIP(text) !== 0) return true; // a bare address, port 53 ("::1:53" is an IPv6 address)
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  if (bracketed) return isIP(bracketed[1]!) === 6 && validPort(bracketed[2]);
  const withPort = /^([^:]+):(\d{1,5})$/.exec(text);
  return withPort !== null && isIP(withPort[1]!) === 4 && validPort(withPort[2]);
}

function validPort(port: string | undefined): boolean {
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}
