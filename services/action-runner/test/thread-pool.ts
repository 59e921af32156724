import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** libuv's pool size in this process (UV_THREADPOOL_SIZE, 4 unless set). */
export const POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE) || 4;

/**
 * Occupies every libuv pool thread the way slow getaddrinfo calls (or slow disks) do: each thread
 * waits in open() on a FIFO that has no writer yet, using no CPU. Anything else that needs the pool
 * (dns.lookup, fs) queues behind them until `release` opens the writers.
 */
export function blockThreadPool(threads = POOL_SIZE): { release(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'pool-'));
  const fifos = Array.from({ length: threads }, (_, index) => join(dir, `fifo-${index}`));
  for (const fifo of fifos) execFileSync('mkfifo', [fifo]);
  const readers = fifos.map((fifo) => open(fifo, 'r'));
  return {
    async release() {
      // Synchronous on purpose: the pool is the thing that is stuck. Each open returns as soon as
      // its reader is waiting, which every reader eventually is.
      for (const fifo of fifos) closeSync(openSync(fifo, 'w'));
      for (const reader of await Promise.all(readers)) await reader.close();
      rmSync(dir, { recursive: true });
    },
  };
}
