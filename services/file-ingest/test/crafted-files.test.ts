import type { KnowledgeFile } from '@chatty/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePdfWithHugeImage, makePngDeclaring } from './fixtures/make-huge-image.js';
import { makePdf } from './fixtures/make-pdf.js';
import { createGpt, type Stack, signUp, startStack, upload, waitUntilDone } from './harness.js';

const MEMORY_MB = 300;

/** A stack with one extraction process, and the account and GPT files are uploaded to. */
function stackWith(env: Record<string, string>) {
  const state = {} as { stack: Stack; auth: Record<string, string>; gptId: string };
  beforeAll(async () => {
    state.stack = await startStack({
      env: { INGEST_CONCURRENCY: '1', INGEST_MAX_MEMORY_MB: String(MEMORY_MB), ...env },
    });
    const owner = await signUp(state.stack.registry.app);
    state.auth = owner.auth;
    state.gptId = (await createGpt(state.stack.registry.app, owner.auth)).id;
  });
  afterAll(() => state.stack?.close());
  return state;
}

/** Uploads, then waits for the verdict; the time is from upload to verdict. */
async function ingest(state: ReturnType<typeof stackWith>, name: string, bytes: Buffer, timeoutMs = 60_000) {
  const response = await upload(state.stack, state.auth, state.gptId, name, bytes);
  expect(response.statusCode, response.body).toBe(202);
  const started = Date.now();
  const file = await waitUntilDone(state.stack, state.auth, response.json().id, timeoutMs);
  return { file, ms: Date.now() - started, doneAt: Date.now() };
}

const peakMb = (state: ReturnType<typeof stackWith>) =>
  Math.round(state.stack.ingest.ingestWorker!.sandbox.peakMemoryMb);

const report = (line: string) => process.stdout.write(`${line}\n`);

describe('crafted images are refused from their declared size, before any decoding', () => {
  const state = stackWith({});

  it('a PDF of 2 KB holding a 20000×20000 image fails at once with the reason; the next file is ready', async () => {
    // The extraction process is started and has read a file: what follows measures the bomb alone.
    expect((await ingest(state, 'warm.txt', Buffer.from('The ibis wades.'))).file.status).toBe('ready');
    const bomb = await makePdfWithHugeImage(20_000, 20_000);
    expect(bomb.length).toBeLessThan(4096);

    const { file, ms } = await ingest(state, 'scan.pdf', bomb);
    report(`20000×20000 image in a ${bomb.length}-byte PDF: failed after ${ms} ms, peak ${peakMb(state)} MB`);
    expect(file).toMatchObject({ status: 'failed', chunkCount: null });
    expect(file.error).toBe(
      'the PDF holds an image of 20000×20000 pixels (400 megapixels) and no text; images over 40 megapixels are not read; scan it at a lower resolution (300 dpi is plenty)',
    );
    expect(ms).toBeLessThan(10_000);
    expect(peakMb(state)).toBeLessThan(MEMORY_MB);

    expect((await ingest(state, 'after.txt', Buffer.from('The heron waits.'))).file.status).toBe('ready');
  }, 120_000);

  it('a PNG whose header claims 100000×100000 pixels is refused before decoding', async () => {
    const { file, ms } = await ingest(state, 'huge.png', makePngDeclaring(100_000, 100_000));
    report(`PNG declaring 100000×100000: failed after ${ms} ms, peak ${peakMb(state)} MB`);
    expect(file.status).toBe('failed');
    expect(file.error).toBe(
      'the image has 100000×100000 pixels (10000 megapixels); images up to 40 megapixels can be read; make it smaller',
    );
    expect(ms).toBeLessThan(10_000);
    expect(peakMb(state)).toBeLessThan(MEMORY_MB);
  }, 60_000);
});

describe('an extraction that dies is tried INGEST_MAX_CRASHES times, then the file fails', () => {
  // The pixel cap lifted: the bomb gets decoded, and only the memory limit stands in its way.
  const state = stackWith({ INGEST_MAX_IMAGE_PIXELS: String(1e12), INGEST_MAX_CRASHES: '2' });

  it('killed at the memory limit twice: failed with the reason, the file behind it ready meanwhile', async () => {
    const warm = await ingest(state, 'warm.txt', Buffer.from('The ibis wades.'));
    expect(warm.file.status).toBe('ready');
    const bomb = (
      await upload(
        state.stack,
        state.auth,
        state.gptId,
        'scan.pdf',
        await makePdfWithHugeImage(20_000, 20_000),
      )
    ).json() as KnowledgeFile;
    const started = Date.now();
    const [failed, next] = await Promise.all([
      waitUntilDone(state.stack, state.auth, bomb.id, 90_000).then((file) => ({ file, at: Date.now() })),
      ingest(state, 'next.txt', Buffer.from('The stork returns.'), 90_000).then(({ file, doneAt }) => ({
        file,
        at: doneAt,
      })),
    ]);
    report(
      `20000×20000 image, pixel cap lifted: failed after ${failed.at - started} ms (2 runs killed), peak ${peakMb(state)} MB (limit ${MEMORY_MB})`,
    );
    expect(failed.file.status).toBe('failed');
    expect(failed.file.error).toBe(
      `the file could not be processed: extraction ran out of memory (limit ${MEMORY_MB} MB) (2 times); split the file, or make its images smaller`,
    );
    // The file behind it did not wait for its verdict: it ran during the bomb's backoff.
    expect(next.file.status).toBe('ready');
    expect(next.at).toBeLessThan(failed.at);
    expect(peakMb(state)).toBeLessThan(MEMORY_MB * 1.2);
    const job = await state.stack.ingest.ingestWorker!.queue.getJob(bomb.id);
    expect(job?.attemptsMade).toBe(2);
  }, 180_000);
});

describe('an extraction past its deadline counts as a death too', () => {
  const state = stackWith({ INGEST_TIMEOUT_MS: '500', INGEST_MAX_CRASHES: '2' });

  it('a PDF that takes longer than the deadline fails after two runs; the next file is ready', async () => {
    const slow = await makePdf(
      Array.from({ length: 1500 }, (_, page) => `Page ${page + 1}. The narwhal migrates north. `.repeat(20)),
    );
    expect((await ingest(state, 'warm.txt', Buffer.from('The ibis wades.'))).file.status).toBe('ready');
    const { file, ms } = await ingest(state, 'atlas.pdf', slow, 90_000);
    report(`PDF past a 0.5 s deadline: failed after ${ms} ms (2 runs)`);
    expect(file.status).toBe('failed');
    expect(file.error).toBe(
      'the file could not be processed: extraction took longer than 0.5 s (2 times); the file may be damaged, or too large to read in time; split it',
    );
    expect((await ingest(state, 'after.txt', Buffer.from('The heron waits.'))).file.status).toBe('ready');
  }, 180_000);
});
