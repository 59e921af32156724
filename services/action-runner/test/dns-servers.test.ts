import { describe, expect, it } from 'vitest';
import { parseDnsServers } from '../src/egress/dns-servers.js';

describe('parseDnsServers', () => {
  it('accepts the forms setServers takes', () => {
    expect(parseDnsServers(' 127.0.0.11, 10.0.0.2:5353,::1, [fd00::53]:53 ,')).toEqual([
      '127.0.0.11',
      '10.0.0.2:5353',
      '::1',
      '[fd00::53]:53',
    ]);
  });

  it.each(['dns.example', '10.0.0.2:99999', '[10.0.0.2]:53', '10.0.0.2:', 'udp://10.0.0.2'])(
    'rejects "%s"',
    (entry) => expect(() => parseDnsServers(entry)).toThrow(/ACTION_DNS_SERVERS/),
  );
});
