import { randomUUID } from 'node:crypto';
import { constants, type Dirent } from 'node:fs';
import {
  access,
  type FileHandle,
  mkdir,
  open,
  readdir,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
} from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { writeAtomically } from './atomic-write.js';
import { exactBody } from './exact-size.js';
import { checkKey, checkPrefix } from './object-key.js';
import { ObjectNotFoundError, type ObjectStore, ObjectTooLargeError } from './object-store.js';

export interface FileObjectStoreOptions {
  /** Holds one directory per bucket: `DATA_DIR/objects` on one machine. */
  directory: string;
  bucket: string;
}

/** Prefixes being removed are first moved aside under this name (see removePrefix). */
const TRASH = '.trash-';
/** A trash directory older than this was left by a process that died while removing it. */
const STALE_TRASH_MS = 10 * 60_000;

/**
 * The object store on the local file system, for one machine: `<directory>/<bucket>/<key>`, each "/" of
 * a key a directory. Several processes (the registry writing, file-ingest reading, replicas of either)
 * share the directory safely: objects are written whole (atomic-write.ts), removed prefixes vanish at
 * once, and reads open the file before answering, so a concurrent replace never mixes two versions.
 *
 * Differences from S3 that callers do not meet: the content type is not kept (the registry keeps the
 * MIME type in Postgres), and a key cannot also be the prefix of another key (`a/b` and `a/b/c`), since
 * one path cannot be both a file and a directory; keys built from ids never do that.
 */
export function createFileObjectStore(options: FileObjectStoreOptions): ObjectStore {
  const root = resolve(options.directory, checkKey(options.bucket).join(sep));
  const pathOf = (segments: string[]) => {
    const path = join(root, ...segments);
    // checkKey already makes escaping impossible; this guards against a future change to it.
    if (!path.startsWith(root + sep)) throw new Error(`object path ${path} is outside ${root}`);
    return path;
  };

  /** Removes the now empty directories from `segments`' parent up to (not including) the bucket. */
  async function tidy(segments: string[]): Promise<void> {
    for (let depth = segments.length - 1; depth > 0; depth--) {
      try {
        await rmdir(join(root, ...segments.slice(0, depth)));
      } catch (error) {
        // Not empty (another object, or a writer's temporary file) ends the climb; gone already does not.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return;
      }
    }
  }

  async function* walk(directory: string, keyPrefix: string): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      // A prefix with no objects, or removed while we walked.
      if (isMissing(error)) return;
      throw error;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      // Temporary files and trash are dot-names, which keys never have.
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) yield* walk(join(directory, entry.name), `${keyPrefix}${entry.name}/`);
      else if (entry.isFile()) yield `${keyPrefix}${entry.name}`;
    }
  }

  async function removeStaleTrash(): Promise<void> {
    for (const name of await readdir(root)) {
      if (!name.startsWith(TRASH)) continue;
      const movedAt = Number(name.slice(TRASH.length).split('-')[0]);
      if (Date.now() - movedAt > STALE_TRASH_MS) await rm(join(root, name), { recursive: true, force: true });
    }
  }

  return {
    async ensureBucket() {
      await mkdir(root, { recursive: true, mode: 0o700 });
      await removeStaleTrash();
    },
    async ping() {
      const info = await stat(root);
      if (!info.isDirectory()) throw new Error(`${root} is not a directory`);
      // A read-only or foreign-owned volume would fail every upload: report it as not ready.
      await access(root, constants.R_OK | constants.W_OK | constants.X_OK);
    },
    async put(key, body, size, _contentType) {
      const segments = checkKey(key);
      const bytes = exactBody(key, body, size);
      try {
        await writeAtomically(pathOf(segments), bytes);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR') {
          throw new Error(`object key ${key} conflicts with another key (one is a prefix of the other)`, {
            cause: error,
          });
        }
        throw error;
      }
    },
    async getStream(key): Promise<Readable> {
      const { handle } = await openObject(key, pathOf(checkKey(key)));
      // The stream owns the handle and closes it at the end or on destroy.
      return handle.createReadStream();
    },
    async getBuffer(key, maxBytes = Number.POSITIVE_INFINITY) {
      // Size and bytes come from one open file: a replace in between cannot pair one with the other.
      const { handle, size } = await openObject(key, pathOf(checkKey(key)));
      try {
        if (size > maxBytes) throw new ObjectTooLargeError(key, size, maxBytes);
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    },
    async exists(key) {
      try {
        return (await stat(pathOf(checkKey(key)))).isFile();
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
    async remove(key) {
      const segments = checkKey(key);
      try {
        await unlink(pathOf(segments));
      } catch (error) {
        // Already gone is success, as on S3; a directory there is a prefix, not this object.
        const code = (error as NodeJS.ErrnoException).code;
        if (!isMissing(error) && code !== 'EISDIR' && code !== 'EPERM') throw error;
      }
      await tidy(segments);
    },
    async removePrefix(prefix) {
      const segments = checkPrefix(prefix, { allowEmpty: false });
      // Moved aside in one rename, so readers see all the objects or none, then deleted at leisure.
      // A writer caught mid-put in there loses its rename (ENOENT), as if it had come first on S3.
      const trash = join(root, `${TRASH}${Date.now()}-${randomUUID()}`);
      let count = 0;
      try {
        await rename(pathOf(segments), trash);
        for await (const _key of walk(trash, '')) count++;
        await rm(trash, { recursive: true, force: true });
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
      await tidy(segments);
      return count;
    },
    list(prefix = '') {
      const segments = checkPrefix(prefix, { allowEmpty: true });
      return walk(segments.length ? pathOf(segments) : root, prefix);
    },
  };
}

/** The object's open file and its size, or ObjectNotFoundError. */
async function openObject(key: string, path: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isMissing(error)) throw new ObjectNotFoundError(key);
    throw error;
  }
  // Linux opens a directory for reading too; one there is a prefix of other keys, not this object.
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new ObjectNotFoundError(key);
  }
  return { handle, size: info.size };
}

/** The codes a missing object shows: no such file, or a path segment that is a file, not a directory. */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
