// Deleting a GPT while files are being uploaded to it and ingested: the registry, file-ingest's worker
// and the one-box file store (DATA_DIR/objects) racing for real. The delete must win whole (204, and
// nothing of the GPT left: rows, chunks, objects, quota use), and every upload that loses the race
// answers 404, never 500.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type Stack, signUp, startStack, upload } from './harness.js';

async function until(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Every file under `directory`, temporary and hidden ones included. */
function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('deleting a GPT while files are uploaded to it', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chatty-data-'));
  const bucketDir = join(dataDir, 'objects', 'chatty');
  // Uploads are spooled under TMPDIR: one of this test's own, so what is left there is theirs.
  const spoolDir = mkdtempSync(join(tmpdir(), 'chatty-spool-'));
  const tmpdirBefore = process.env.TMPDIR;
  let stack: Stack;

  beforeAll(async () => {
    process.env.TMPDIR = spoolDir;
    stack = await startStack({ env: { S3_ENDPOINT: '', DATA_DIR: dataDir, S3_BUCKET: 'chatty' } });
  });
  afterAll(async () => {
    await stack?.close();
    if (tmpdirBefore === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpdirBefore;
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('answers 204 and leaves nothing; each upload answers 202 or 404, never 500', async () => {
    const app = stack.registry.app;
    const db = app.db.withTables<{ file_chunk: { gpt_id: string } }>();
    // Text the chunker makes many chunks of: the worker is inside its save when the delete comes.
    const text = Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(23_000));
    const statuses = new Map<number, number>();
    for (let round = 0; round < 6; round++) {
      const owner = await signUp(app);
      const gptId = (await createGpt(app, owner.auth)).id;
      const uploads = Array.from({ length: 10 }, (_, i) =>
        upload(stack, owner.auth, gptId, `notes-${i}.txt`, text),
      );
      // The delete meets uploads being received and stored (soon after they start, every third round),
      // or the worker saving a file's chunks (it writes the file's text just before).
      if (round % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      else
        await until(
          () => filesUnder(join(bucketDir, owner.user.id)).some((path) => path.endsWith('text.txt')),
          'a file to be ingested',
        );
      const deleted = await app.inject({ method: 'DELETE', url: `/api/gpts/${gptId}`, headers: owner.auth });
      expect(deleted.statusCode, deleted.body).toBe(204);
      for (const response of await Promise.all(uploads)) {
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect([202, 404], response.body).toContain(response.statusCode);
        if (response.statusCode === 404) expect(response.json().error.code).toBe('NOT_FOUND');
      }

      // Nothing of it is left: rows, chunks, objects (temporary ones included), quota use.
      expect(
        (await app.inject({ method: 'GET', url: `/api/gpts/${gptId}`, headers: owner.auth })).statusCode,
      ).toBe(404);
      const rows = await sql<{ gpts: number; files: number }>`
        select (select count(*) from gpt where id = ${gptId})::int as gpts,
               (select count(*) from gpt_file where gpt_id = ${gptId})::int as files`.execute(app.db);
      expect(rows.rows[0]).toEqual({ gpts: 0, files: 0 });
      // The worker may still be finishing a job of a file it read before the delete: it gives up.
      await expect
        .poll(
          async () =>
            (await db.selectFrom('file_chunk').select('gpt_id').where('gpt_id', '=', gptId).execute()).length,
        )
        .toBe(0);
      await expect.poll(() => filesUnder(join(bucketDir, owner.user.id))).toEqual([]);
      const usage = await app.inject({ method: 'GET', url: '/api/usage', headers: owner.auth });
      expect(usage.json()).toMatchObject({ gpts: { used: 0 }, fileBytes: { used: 0 } });
    }
    expect(filesUnder(bucketDir)).toEqual([]);
    expect(filesUnder(spoolDir)).toEqual([]);
    // The race was run, not avoided: some uploads won it, and some lost it.
    expect(statuses.get(202)).toBeGreaterThan(0);
    expect(statuses.get(404)).toBeGreaterThan(0);
  }, 30_000);
});
