import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How every spooled upload's temporary file is named (spool-upload.ts). */
export const SPOOL_PREFIX = 'chatty-upload-';

/**
 * Untouched this long, a spooled upload belongs to no request: a request removes its file when it
 * ends, and one still receiving writes to it at least every body deadline (10 s).
 */
export const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/**
 * Removes the spooled uploads of processes killed mid-upload (a killed process runs no `finally`).
 * Replicas sharing a temporary directory may each sweep: only files nobody wrote to for an hour go.
 * Answers how many were removed.
 */
export async function sweepAbandonedSpools(
  dir = tmpdir(),
  olderThanMs = ABANDONED_AFTER_MS,
  now = Date.now(),
): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir)) {
    if (!name.startsWith(SPOOL_PREFIX)) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || now - info.mtimeMs < olderThanMs) continue;
    await rm(path, { force: true });
    removed++;
  }
  return removed;
}
