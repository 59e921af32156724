import { parseAllowList, refusalOf } from '@chatty/action-runner';
import { describe, expect, it } from 'vitest';

describe('refusalOf', () => {
  it.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '2001:4860:4860::8888'])(
    'lets public unicast %s through',
    (address) => expect(refusalOf(address)).toBeNull(),
  );

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.251', 'multicast'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'ipv4Mapped'],
    ['::ffff:8.8.8.8', 'ipv4Mapped'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::1', '6to4'],
    ['2001::1', 'teredo'],
    ['2001:db8::1', 'reserved'],
    ['not-an-ip', 'not an IP address'],
  ])('refuses %s (%s)', (address, reason) => expect(refusalOf(address)).toBe(reason));
});

it('refuses the IPv4-compatible form ::127.0.0.1 (outside 2000::/3)', () => {
  expect(refusalOf('::127.0.0.1')).not.toBeNull();
});

describe('parseAllowList', () => {
  it('normalises hosts the way URLs do', () => {
    expect([...parseAllowList(' 127.1:8080, [::1]:443,Intranet.local:80 ')]).toEqual([
      '127.0.0.1:8080',
      '[::1]:443',
      'intranet.local:80',
    ]);
  });

  it.each(['127.0.0.1', 'http://x:1', 'a:1/path', 'user@x:1'])('rejects "%s"', (entry) =>
    expect(() => parseAllowList(entry)).toThrow(/host:port/),
  );
});
