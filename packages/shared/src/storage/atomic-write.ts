import { randomUUID } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Objects are knowledge files: readable by the user running Chatty only. */
const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;

/**
 * Writes `path` so that no reader — in this process or another sharing the directory — ever sees part
 * of it: the bytes go to a temporary file beside it (same directory, so same file system), are flushed
 * to disk, and the file is renamed over `path`, which POSIX makes atomic. Concurrent writers of one
 * path each have their own temporary file; the last rename wins whole. On any failure the temporary
 * file is removed and `path` keeps what it had.
 *
 * Temporary names start with "." (object keys never do; see object-key.ts), so lists skip them, and
 * a process killed mid-write leaves only such a hidden file, removed with its prefix.
 */
export async function writeAtomically(path: string, bytes: Buffer | AsyncIterable<Buffer>): Promise<void> {
  const directory = dirname(path);
  const temporary = join(directory, `.${basename(path)}.${randomUUID()}.tmp`);
  const handle = await createBeside(directory, temporary);
  try {
    try {
      for await (const chunk of Buffer.isBuffer(bytes) ? [bytes] : bytes) await writeAll(handle, chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  // The rename itself is durable only once the directory entry is flushed.
  await syncDirectory(directory);
}

/**
 * Creates the temporary file, making its directory first. Another process tidying empty directories
 * (remove, removePrefix) may delete the directory between the two steps; then both are tried again.
 */
async function createBeside(directory: string, temporary: string): Promise<FileHandle> {
  for (let attempt = 1; ; attempt++) {
    await mkdir(directory, { recursive: true, mode: DIRECTORY_MODE });
    try {
      return await open(temporary, 'wx', FILE_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}

/** A write may take fewer bytes than asked; the rest follow. */
async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  for (let offset = 0; offset < chunk.length; ) {
    offset += (await handle.write(chunk, offset)).bytesWritten;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) cannot open or flush a directory; the data itself is already synced.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'ENOENT') throw error;
  } finally {
    await handle?.close();
  }
}
