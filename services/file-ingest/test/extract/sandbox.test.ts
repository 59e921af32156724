import { ExtractionRefused, ExtractionSandbox } from '@chatty/file-ingest';
import { afterAll, describe, expect, it } from 'vitest';
import { makePdf } from '../fixtures/make-pdf.js';

const LIMITS = { maxPages: 1000, maxChars: 50_000_000, maxUnzippedBytes: 1024 * 1024, maxJsonDepth: 50 };

describe('the extraction sandbox', () => {
  const sandbox = new ExtractionSandbox({ size: 1, timeoutMs: 400, maxMemoryMb: 200 });
  afterAll(() => sandbox.close());

  it('stops an extraction that runs past the time cap, then keeps working', async () => {
    const slow = await makePdf(Array.from({ length: 400 }, (_, i) => `Page ${i}. `.repeat(40)));
    const started = Date.now();
    await expect(sandbox.run('pdf', slow, LIMITS)).rejects.toThrow(
      new ExtractionRefused('extraction took longer than 0.4 s; the file may be damaged'),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    const after = await sandbox.run('txt', Buffer.from('still here'), LIMITS);
    expect(after.segments[0]!.text).toBe('still here');
  });

  it('stops an extraction that outgrows the memory cap, then keeps working', async () => {
    // A million tiny CSV rows become millions of small objects: far past 128 MB of heap.
    const rows = Buffer.from(`a,b\n${'1,2\n'.repeat(1_000_000)}`);
    const roomy = new ExtractionSandbox({ size: 1, timeoutMs: 60_000, maxMemoryMb: 128 });
    try {
      await expect(roomy.run('csv', rows, LIMITS)).rejects.toThrow(
        'extracting the file needs more than 128 MB of memory; split the file',
      );
      const after = await roomy.run('json', Buffer.from('{"ok":true}'), LIMITS);
      expect(after.segments[0]!.text).toContain('"ok": true');
    } finally {
      await roomy.close();
    }
  }, 60_000);

  it('reports progress while it runs', async () => {
    const seen: number[] = [];
    await sandbox.run('pdf', await makePdf(['a', 'b', 'c', 'd']), LIMITS, (fraction) => seen.push(fraction));
    expect(seen).toEqual([0.25, 0.5, 0.75, 1]);
  });
});
