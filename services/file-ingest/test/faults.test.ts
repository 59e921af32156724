import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildIngest,
  ExtractionSandbox,
  extractLimitsOf,
  ingestFile,
  loadIngestConfig,
  startWorker,
} from '@chatty/file-ingest';
import { createDb } from '@chatty/shared';
import { listKeys } from '@chatty/testkit';
import { describe, expect, it } from 'vitest';
import type { IngestDatabase } from '../src/db/schema.js';
import { makePdf } from './fixtures/make-pdf.js';
import { getFile, upload, waitUntilDone } from './harness.js';
import { idleQueueStack } from './idle-queue.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A PDF that takes the extractor a second or more: time to interfere while it runs. */
const slowPdf = () =>
  makePdf(
    Array.from({ length: 300 }, (_, page) => `Page ${page + 1}. The narwhal migrates north. `.repeat(20)),
  );

/** The extraction processes a worker process started (its direct children running extract-child). */
function extractorsOf(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  return children.map(Number).filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('extract-child');
    } catch {
      return false;
    }
  });
}

/** Alive and not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('faults', () => {
  const idle = idleQueueStack();

  const chunkRows = (fileId: string) =>
    idle.stack.registry.app.db
      .withTables<{ file_chunk: { file_id: string; ordinal: number } }>()
      .selectFrom('file_chunk')
      .select('ordinal')
      .where('file_id', '=', fileId)
      .execute();

  it('a worker killed mid-job (kill -9): the job is picked up again and ends ready once, with one set of chunks', async () => {
    const file = (await upload(idle.stack, idle.owner.auth, idle.gptId, 'atlas.pdf', await slowPdf())).json();
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', 'services/file-ingest/src/server.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          ...idle.stack.ingestEnv,
          INGEST_PORT: '0',
          TSX_TSCONFIG_PATH: 'tsconfig.test.json',
        },
        stdio: 'ignore',
      });
      await until(async () => {
        const current = await getFile(idle.stack, idle.owner.auth, file.id);
        return current.status === 'processing' && current.progress > 0.1;
      }, 30_000);
      child.kill('SIGKILL');
      await new Promise((resolve) => child!.once('exit', resolve));
    } finally {
      child?.kill('SIGKILL');
    }
    expect((await getFile(idle.stack, idle.owner.auth, file.id)).status).toBe('processing');

    // Another worker notices the job's lock lapse and runs it again.
    const replacementConfig = loadIngestConfig({ ...idle.stack.ingestEnv, INGEST_WORKER: 'true' });
    const replacement = await buildIngest(replacementConfig);
    await startWorker(replacement, replacementConfig);
    try {
      const done = await waitUntilDone(idle.stack, idle.owner.auth, file.id, 30_000);
      expect(done).toMatchObject({ status: 'ready', pageCount: 300 });
      const rows = await chunkRows(file.id);
      expect(rows).toHaveLength(done.chunkCount!);
      expect(new Set(rows.map((row) => row.ordinal)).size).toBe(rows.length);
      expect((await idle.queue.getJob(file.id))?.attemptsMade ?? 0).toBeLessThanOrEqual(1);
    } finally {
      await replacement.close();
    }
  }, 60_000);

  const startWorkerProcess = () =>
    spawn(process.execPath, ['--import', 'tsx', 'services/file-ingest/src/server.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...idle.stack.ingestEnv,
        INGEST_PORT: '0',
        INGEST_MAX_CRASHES: '2',
        TSX_TSCONFIG_PATH: 'tsconfig.test.json',
      },
      stdio: 'ignore',
    });

  it('a worker killed mid-extraction again and again: the file fails with the reason instead of looping, its extraction processes die with it, the next file is ready', async () => {
    const file = (
      await upload(idle.stack, idle.owner.auth, idle.gptId, 'cursed.pdf', await slowPdf())
    ).json();
    for (let kill = 1; kill <= 2; kill++) {
      // Progress from the run before would look like this run's: start from nothing.
      await idle.stack.registry.app.db
        .updateTable('gpt_file')
        .set({ progress: 0 })
        .where('id', '=', file.id)
        .execute();
      const child = startWorkerProcess();
      try {
        await until(async () => (await getFile(idle.stack, idle.owner.auth, file.id)).progress > 0.1, 60_000);
        const extractors = extractorsOf(child.pid!);
        expect(extractors.length).toBeGreaterThan(0);
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
        // Orphaned, they end by themselves (their lifeline thread), whatever their main thread is doing.
        await until(async () => !extractors.some(running), 5_000);
      } finally {
        child.kill('SIGKILL');
      }
    }
    expect((await getFile(idle.stack, idle.owner.auth, file.id)).status).toBe('processing');

    const replacementConfig = loadIngestConfig({
      ...idle.stack.ingestEnv,
      INGEST_WORKER: 'true',
      INGEST_MAX_CRASHES: '2',
    });
    const replacement = await buildIngest(replacementConfig);
    await startWorker(replacement, replacementConfig);
    try {
      const done = await waitUntilDone(idle.stack, idle.owner.auth, file.id, 30_000);
      expect(done.status).toBe('failed');
      expect(done.error).toBe(
        'the file could not be processed: the worker stopped while processing it (2 times); the file may be damaged or too large; split it, or upload it again later',
      );
      const next = (
        await upload(idle.stack, idle.owner.auth, idle.gptId, 'next.txt', Buffer.from('The crane flies.'))
      ).json();
      expect((await waitUntilDone(idle.stack, idle.owner.auth, next.id, 30_000)).status).toBe('ready');
    } finally {
      await replacement.close();
    }
  }, 180_000);

  it('a job for a deleted file, before or during its run, leaves nothing behind', async () => {
    const config = loadIngestConfig({ ...idle.stack.ingestEnv, INGEST_WORKER: 'false' });
    const db = createDb<IngestDatabase>(config.DATABASE_URL, { max: 2 });
    const sandbox = new ExtractionSandbox({ size: 1, timeoutMs: 30_000, maxMemoryMb: 512 });
    const deps = {
      db,
      store: idle.stack.registry.s3.store,
      sandbox,
      limits: extractLimitsOf(config),
      maxFileSize: config.MAX_FILE_SIZE,
      log: idle.stack.registry.app.log as never,
    };
    try {
      const before = (
        await upload(idle.stack, idle.owner.auth, idle.gptId, 'gone.txt', Buffer.from('Deleted first.'))
      ).json();
      await idle.stack.registry.app.inject({
        method: 'DELETE',
        url: `/api/gpts/files/${before.id}`,
        headers: idle.owner.auth,
      });
      expect(await ingestFile(deps, before.id)).toEqual({ status: 'gone' });

      const during = (
        await upload(idle.stack, idle.owner.auth, idle.gptId, 'midway.pdf', await slowPdf())
      ).json();
      const running = ingestFile(deps, during.id);
      await until(
        async () => (await getFile(idle.stack, idle.owner.auth, during.id)).status === 'processing',
      );
      const deleted = await idle.stack.registry.app.inject({
        method: 'DELETE',
        url: `/api/gpts/files/${during.id}`,
        headers: idle.owner.auth,
      });
      expect(deleted.statusCode).toBe(204);
      expect(await running).toEqual({ status: 'gone' });
      expect(
        await listKeys(idle.stack.registry.s3.store, `${idle.owner.user.id}/${idle.gptId}/${during.id}/`),
      ).toEqual([]);
      expect(await chunkRows(during.id)).toEqual([]);
      const row = await db.selectFrom('gpt_file').select('id').where('id', '=', during.id).executeTakeFirst();
      expect(row).toBeUndefined();
    } finally {
      await sandbox.close();
      await db.destroy();
    }
  }, 60_000);

  it('jobs lost with Redis are enqueued again by reconciliation when a worker starts', async () => {
    const files = [
      (
        await upload(idle.stack, idle.owner.auth, idle.gptId, 'one.txt', Buffer.from('The okapi hides.'))
      ).json(),
      (
        await upload(
          idle.stack,
          idle.owner.auth,
          idle.gptId,
          'two.md',
          Buffer.from('# Tapir\n\nThe tapir swims.'),
        )
      ).json(),
    ];
    expect(await idle.queue.getJob(files[0].id)).toBeDefined();
    // Redis restarted without persistence: every job is gone, the rows still say queued.
    await idle.queue.obliterate({ force: true });
    expect(await idle.queue.getJob(files[0].id)).toBeUndefined();

    const workerConfig = loadIngestConfig({ ...idle.stack.ingestEnv, INGEST_WORKER: 'true' });
    const worker = await buildIngest(workerConfig);
    await startWorker(worker, workerConfig);
    try {
      for (const file of files) {
        expect((await waitUntilDone(idle.stack, idle.owner.auth, file.id)).status).toBe('ready');
      }
    } finally {
      await worker.close();
    }
  }, 60_000);
});
