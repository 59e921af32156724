import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ABANDONED_AFTER_MS, SPOOL_PREFIX, sweepAbandonedSpools } from '../../src/files/abandoned-spools.js';
import { spoolUpload } from '../../src/files/spool-upload.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A file in `dir` last written `ageMs` ago. */
function fileAged(name: string, ageMs: number) {
  const path = join(dir, name);
  writeFileSync(path, 'half an upload');
  const when = new Date(Date.now() - ageMs);
  utimesSync(path, when, when);
}

describe('sweepAbandonedSpools', () => {
  it('removes the spooled uploads nobody wrote to for an hour, and nothing else', async () => {
    dir = mkdtempSync(join(tmpdir(), 'spool-sweep-'));
    fileAged(`${SPOOL_PREFIX}killed`, ABANDONED_AFTER_MS + 60_000);
    fileAged(`${SPOOL_PREFIX}receiving`, 5_000);
    fileAged('someone-elses-file', ABANDONED_AFTER_MS * 2);
    expect(await sweepAbandonedSpools(dir)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([`${SPOOL_PREFIX}receiving`, 'someone-elses-file']);
  });

  it('knows the files spoolUpload writes by their name and place', async () => {
    dir = mkdtempSync(join(tmpdir(), 'spool-sweep-'));
    const spooled = await spoolUpload(Readable.from([Buffer.from('notes')]));
    try {
      expect(dirname(spooled.path)).toBe(tmpdir());
      expect(basename(spooled.path).startsWith(SPOOL_PREFIX)).toBe(true);
    } finally {
      await spooled.remove();
    }
  });
});
