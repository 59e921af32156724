import { describe, expect, it } from 'vitest';
import { parseHostsFile } from '../src/egress/hosts-file.js';

describe('parseHostsFile', () => {
  it('collects every line naming a host, in file order, ignoring comments and junk', () => {
    const table = parseHostsFile(
      [
        '# comment 1.2.3.4 commented.test',
        '127.0.0.1\tlocalhost',
        '::1 localhost ip6-localhost  # trailing comment',
        '10.0.0.5 Intranet.Corp. wiki',
        'not-an-ip broken.test',
        '10.0.0.6 wiki',
        '10.0.0.5 wiki',
        '',
      ].join('\n'),
    );
    expect(table.get('localhost')).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect(table.get('intranet.corp')).toEqual([{ address: '10.0.0.5', family: 4 }]);
    expect(table.get('wiki')!.map((entry) => entry.address)).toEqual(['10.0.0.5', '10.0.0.6']);
    expect(table.has('broken.test')).toBe(false);
    expect(table.has('commented.test')).toBe(false);
  });
});
