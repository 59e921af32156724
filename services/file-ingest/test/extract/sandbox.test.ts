import { type ExtractionCrashed, ExtractionSandbox } from '@chatty/file-ingest';
import { afterAll, describe, expect, it } from 'vitest';
import { makePdfWithHugeImage } from '../fixtures/make-huge-image.js';
import { makePdf } from '../fixtures/make-pdf.js';

const LIMITS = {
  maxPages: 1000,
  maxChars: 50_000_000,
  maxUnzippedBytes: 1024 * 1024,
  maxJsonDepth: 50,
  maxImagePixels: 40_000_000,
};

const crash = (message: string, kind: ExtractionCrashed['kind']) =>
  expect.objectContaining({ name: 'ExtractionCrashed', message, kind });

describe('the extraction sandbox', () => {
  const sandbox = new ExtractionSandbox({ size: 1, timeoutMs: 400, maxMemoryMb: 256 });
  afterAll(() => sandbox.close());

  it('stops an extraction that runs past the time cap, then keeps working', async () => {
    const slow = await makePdf(Array.from({ length: 400 }, (_, i) => `Page ${i}. `.repeat(40)));
    await sandbox.run('txt', Buffer.from('warm'), LIMITS); // the process is started and ready
    const started = Date.now();
    await expect(sandbox.run('pdf', slow, LIMITS)).rejects.toEqual(
      crash('extraction took longer than 0.4 s', 'time'),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    const after = await sandbox.run('txt', Buffer.from('still here'), LIMITS);
    expect(after.segments[0]!.text).toBe('still here');
  }, 60_000);

  it('stops an extraction whose heap outgrows the memory limit, then keeps working', async () => {
    // A million tiny CSV rows become millions of small objects: far past 256 MB of heap.
    const rows = Buffer.from(`a,b\n${'1,2\n'.repeat(1_000_000)}`);
    const roomy = new ExtractionSandbox({ size: 1, timeoutMs: 60_000, maxMemoryMb: 256 });
    try {
      await expect(roomy.run('csv', rows, LIMITS)).rejects.toEqual(
        crash('extraction ran out of memory (limit 256 MB)', 'memory'),
      );
      const after = await roomy.run('json', Buffer.from('{"ok":true}'), LIMITS);
      expect(after.segments[0]!.text).toContain('"ok": true');
    } finally {
      await roomy.close();
    }
  }, 60_000);

  it('stops an extraction whose native memory outgrows the limit (no heap limit sees it)', async () => {
    // 400 MB of pixels in a 2 KB PDF; with the pixel cap lifted, pdf.js decodes them into typed arrays,
    // which live outside V8's heap: only the process's resident memory shows them.
    const pdf = await makePdfWithHugeImage(20_000, 20_000);
    const native = new ExtractionSandbox({ size: 1, timeoutMs: 60_000, maxMemoryMb: 300 });
    try {
      await native.run('txt', Buffer.from('warm'), LIMITS);
      const started = Date.now();
      await expect(native.run('pdf', pdf, { ...LIMITS, maxImagePixels: 1e12 })).rejects.toEqual(
        crash('extraction ran out of memory (limit 300 MB)', 'memory'),
      );
      process.stdout.write(
        `native memory bomb: killed after ${Date.now() - started} ms, peak ${Math.round(native.peakMemoryMb)} MB (limit 300)\n`,
      );
      // The watchdog reads every 20 ms: what the process adds in between is the overshoot.
      expect(native.peakMemoryMb).toBeLessThan(300 * 1.2);
      const after = await native.run('txt', Buffer.from('still here'), LIMITS);
      expect(after.segments[0]!.text).toBe('still here');
    } finally {
      await native.close();
    }
  }, 90_000);

  it('reports a process killed from outside (as the OOM killer does) as a crash, then keeps working', async () => {
    const slow = await makePdf(Array.from({ length: 400 }, (_, i) => `Page ${i}. `.repeat(40)));
    const patient = new ExtractionSandbox({ size: 1, timeoutMs: 60_000, maxMemoryMb: 256 });
    try {
      await patient.run('txt', Buffer.from('warm'), LIMITS);
      const [pid] = patient.pids();
      const running = patient.run('pdf', slow, LIMITS);
      setTimeout(() => process.kill(pid!, 'SIGKILL'), 100);
      await expect(running).rejects.toEqual(
        crash('the extraction process was killed (SIGKILL; the machine may have run out of memory)', 'crash'),
      );
      const after = await patient.run('txt', Buffer.from('still here'), LIMITS);
      expect(after.segments[0]!.text).toBe('still here');
      expect(patient.pids()).not.toContain(pid);
    } finally {
      await patient.close();
    }
  }, 60_000);

  it('reports progress while it runs', async () => {
    const seen: number[] = [];
    await sandbox.run('pdf', await makePdf(['a', 'b', 'c', 'd']), LIMITS, (fraction) => seen.push(fraction));
    expect(seen).toEqual([0.25, 0.5, 0.75, 1]);
  });
});
