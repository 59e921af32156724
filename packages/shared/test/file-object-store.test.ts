import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFileObjectStore, type ObjectStore } from '@chatty/shared';
import { listKeys } from '@chatty/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { objectStoreContract } from './object-store.contract.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Every file under `directory`, dot-files (a writer's temporary files) included. */
function filesUnder(directory: string): string[] {
  try {
    return readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => !entry.isDirectory())
      .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
      .sort();
  } catch {
    return [];
  }
}

objectStoreContract('the file store', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'chatty-objects-'));
  const root = join(directory, 'bucket');
  return {
    store: createFileObjectStore({ directory, bucket: 'bucket' }),
    leftovers: async (prefix) => filesUnder(join(root, prefix)).map((path) => prefix + path),
    close: async () => rmSync(directory, { recursive: true, force: true }),
  };
});

describe('the file store on disk', () => {
  let directory: string;
  let store: ObjectStore;
  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'chatty-objects-'));
    store = createFileObjectStore({ directory, bucket: 'chatty' });
    await store.ensureBucket();
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps each object at <directory>/<bucket>/<key>, readable by its owner only', async () => {
    await store.put('user/gpt/file/original', 'hello', 5, 'text/plain');
    const path = join(directory, 'chatty', 'user', 'gpt', 'file', 'original');
    expect(readFileSync(path, 'utf8')).toBe('hello');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('tidies the directories a removal empties, up to the bucket', async () => {
    await store.put('u/g/f1/original', 'a', 1, 'text/plain');
    await store.put('u/g/f2/original', 'b', 1, 'text/plain');
    await store.remove('u/g/f1/original');
    expect(readdirSync(join(directory, 'chatty', 'u', 'g'))).toEqual(['f2']);
    await store.removePrefix('u/g/');
    expect(readdirSync(join(directory, 'chatty'))).toEqual([]);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('hides what a writer killed mid-put left, and removes it with its prefix', async () => {
    await store.put('u/g/f/original', 'a', 1, 'text/plain');
    writeFileSync(join(directory, 'chatty', 'u', 'g', 'f', '.text.txt.1234.tmp'), 'half');
    expect(await listKeys(store, 'u/')).toEqual(['u/g/f/original']);
    expect(await store.removePrefix('u/g/f/')).toBe(1);
    expect(filesUnder(join(directory, 'chatty'))).toEqual([]);
  });

  it('clears out removals that a dead process left half done, once they are old', async () => {
    const old = join(directory, 'chatty', `.trash-${Date.now() - 3_600_000}-x`);
    const recent = join(directory, 'chatty', `.trash-${Date.now()}-y`);
    for (const trash of [old, recent]) {
      mkdirSync(join(trash, 'f'), { recursive: true });
      writeFileSync(join(trash, 'f', 'original'), 'x');
    }
    await store.ensureBucket();
    expect(existsSync(old)).toBe(false);
    // Possibly another replica's removal in progress.
    expect(existsSync(recent)).toBe(true);
  });

  it('says so when a key is also the prefix of another, which one path cannot be', async () => {
    await store.put('a/b', 'x', 1, 'text/plain');
    await expect(store.put('a/b/c', 'y', 1, 'text/plain')).rejects.toThrow(/conflicts with another key/);
    expect(filesUnder(join(directory, 'chatty'))).toEqual(['a/b']);
  });

  it('is not ready when its directory is missing', async () => {
    rmSync(join(directory, 'chatty'), { recursive: true });
    await expect(store.ping()).rejects.toThrow();
  });

  it('serves whole objects to a reader while another process rewrites them', {
    timeout: 30_000,
  }, async () => {
    const versions = ['A', 'B', 'C'].map((letter) => letter.repeat(512 * 1024));
    await store.put('shared/key', versions[0]!, versions[0]!.length, 'text/plain');
    // A second process, as file-ingest is to the registry, writing the same key over and over.
    const writer = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { createFileObjectStore } from ${JSON.stringify(join(ROOT, 'packages/shared/src/index.ts'))};
         const store = createFileObjectStore({ directory: process.argv[1], bucket: 'chatty' });
         const versions = ${JSON.stringify(versions.map((version) => version[0]))}.map((l) => l.repeat(512 * 1024));
         for (let i = 0; i < 60; i++) await store.put('shared/key', versions[i % 3], 512 * 1024, 'text/plain');`,
        directory,
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => writer.on('exit', resolve));
    let reads = 0;
    while (writer.exitCode === null) {
      const bytes = (await store.getBuffer('shared/key')).toString();
      expect(versions).toContain(bytes);
      reads++;
    }
    expect(await exited).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(filesUnder(join(directory, 'chatty'))).toEqual(['shared/key']);
  });
});
