// The behaviour every ObjectStore promises, run against each implementation by its own test file
// (file-object-store.test.ts, s3-object-store.test.ts): services switch stores by configuration alone,
// so the two must be indistinguishable to them.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { isNotFound, ObjectSizeMismatchError, type ObjectStore, ObjectTooLargeError } from '@chatty/shared';
import { listKeys } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export interface StoreUnderTest {
  store: ObjectStore;
  /** Everything physically kept under `prefix`, hidden temporary files included. */
  leftovers(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

/** A body that arrives in small pieces, so concurrent writers interleave. */
function trickle(bytes: Buffer, pieceSize = 16 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      setImmediate(() => {
        if (offset >= bytes.length) return this.push(null);
        this.push(bytes.subarray(offset, offset + pieceSize));
        offset += pieceSize;
      });
    },
  });
}

/** A body that fails after `before` bytes, like an upload whose client went away. */
function failing(before: Buffer, error = new Error('client went away')): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(before);
      } else {
        setImmediate(() => this.destroy(error));
      }
    },
  });
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const BAD_KEYS = [
  '',
  '../escape',
  'a/../../escape',
  '..',
  './a',
  'a/./b',
  '/etc/passwd',
  'a\\..\\b',
  'a\0b',
  'a//b',
  'a/',
  'a/.hidden',
  'x'.repeat(1025),
];

export interface ContractOptions {
  /**
   * Whether racing writers of one key are checked. S3 and MinIO make each PUT atomic; the test S3
   * server (s3rver) writes an object in place, so racing PUTs interleave there and say nothing of S3.
   */
  racingWriters?: boolean;
}

export function objectStoreContract(
  name: string,
  open: () => Promise<StoreUnderTest>,
  { racingWriters = true }: ContractOptions = {},
): void {
  describe(`${name}: the ObjectStore contract`, () => {
    let subject: StoreUnderTest;
    let store: ObjectStore;
    let counter = 0;
    /** A prefix of the test's own, so tests share one bucket without seeing each other. */
    const fresh = () => `t${++counter}-${randomBytes(4).toString('hex')}/`;

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
      await store.ensureBucket();
    });
    afterAll(async () => subject?.close());

    it('is ready once its bucket exists, and ensureBucket may run again', async () => {
      await store.ensureBucket();
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('stores buffers, strings and streams, and gives back the same bytes', async () => {
      const prefix = fresh();
      const binary = randomBytes(100_000);
      const unicode = 'héllo — 世界 🌍\n';
      await store.put(`${prefix}binary`, binary, binary.length, 'application/octet-stream');
      await store.put(`${prefix}text.txt`, unicode, Buffer.byteLength(unicode), 'text/plain; charset=utf-8');
      await store.put(`${prefix}streamed`, trickle(binary), binary.length, 'application/octet-stream');
      await store.put(`${prefix}empty`, Buffer.alloc(0), 0, 'application/octet-stream');

      expect((await store.getBuffer(`${prefix}binary`)).equals(binary)).toBe(true);
      expect((await store.getBuffer(`${prefix}streamed`)).equals(binary)).toBe(true);
      expect(await text(await store.getStream(`${prefix}text.txt`))).toBe(unicode);
      expect(await store.getBuffer(`${prefix}empty`)).toHaveLength(0);
      expect(await store.exists(`${prefix}binary`)).toBe(true);
      expect(await listKeys(store, prefix)).toEqual(
        ['binary', 'empty', 'streamed', 'text.txt'].map((key) => prefix + key),
      );
    });

    it('replaces an object on a second put', async () => {
      const key = `${fresh()}file/original`;
      await store.put(key, 'first version', 13, 'text/plain');
      await store.put(key, 'second', 6, 'text/plain');
      expect((await store.getBuffer(key)).toString()).toBe('second');
    });

    it('refuses to read an object over the cap, before reading it', async () => {
      const key = `${fresh()}big`;
      await store.put(key, Buffer.alloc(2048, 1), 2048, 'application/octet-stream');
      const error = await store.getBuffer(key, 2047).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ObjectTooLargeError);
      expect(error).toMatchObject({ key, size: 2048, limit: 2047 });
      expect(await store.getBuffer(key, 2048)).toHaveLength(2048);
    });

    it('answers not found in the one way isNotFound recognises', async () => {
      const key = `${fresh()}missing`;
      // One at a time: a second call made up front would reject while the first is awaited, unhandled.
      for (const attempt of [() => store.getBuffer(key), () => store.getStream(key)]) {
        const error = await attempt().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(isNotFound(error)).toBe(true);
      }
      expect(await store.exists(key)).toBe(false);
      // A prefix of other keys is not an object either.
      const prefix = fresh();
      await store.put(`${prefix}dir/leaf`, 'x', 1, 'text/plain');
      expect(await store.exists(`${prefix}dir`)).toBe(false);
      expect(isNotFound(await store.getBuffer(`${prefix}dir`).catch((caught: unknown) => caught))).toBe(true);
    });

    it('removes one object; removing a missing one succeeds', async () => {
      const prefix = fresh();
      await store.put(`${prefix}a`, 'a', 1, 'text/plain');
      await store.put(`${prefix}b`, 'b', 1, 'text/plain');
      await store.remove(`${prefix}a`);
      await store.remove(`${prefix}a`);
      await store.remove(`${prefix}never-was`);
      expect(await store.exists(`${prefix}a`)).toBe(false);
      expect(await listKeys(store, prefix)).toEqual([`${prefix}b`]);
    });

    it('removes a whole prefix and nothing beside it, and again finds nothing to remove', async () => {
      const root = fresh();
      for (const key of ['gpt/f1/original', 'gpt/f1/text.txt', 'gpt/f2/original', 'gpt2/f3/original']) {
        await store.put(`${root}${key}`, key, key.length, 'text/plain');
      }
      expect(await store.removePrefix(`${root}gpt/`)).toBe(3);
      expect(await store.removePrefix(`${root}gpt/`)).toBe(0);
      expect(await store.removePrefix(`${root}never/was/`)).toBe(0);
      expect(await listKeys(store, root)).toEqual([`${root}gpt2/f3/original`]);
      expect(await subject.leftovers(`${root}gpt/`)).toEqual([]);
      // The prefix can be written to again afterwards.
      await store.put(`${root}gpt/f4/original`, 'again', 5, 'text/plain');
      expect((await store.getBuffer(`${root}gpt/f4/original`)).toString()).toBe('again');
    });

    it('lists the keys under a prefix, or every key', async () => {
      const root = fresh();
      await store.put(`${root}x/1`, '1', 1, 'text/plain');
      await store.put(`${root}x/2/deep`, '2', 1, 'text/plain');
      await store.put(`${root}y`, '3', 1, 'text/plain');
      expect(await listKeys(store, `${root}x/`)).toEqual([`${root}x/1`, `${root}x/2/deep`]);
      expect(await listKeys(store, `${root}nothing/`)).toEqual([]);
      expect(await listKeys(store)).toEqual(expect.arrayContaining([`${root}x/1`, `${root}y`]));
    });

    it('refuses keys that could leave the store, before touching it', async () => {
      const expectInvalid = async (attempt: Promise<unknown>) =>
        expect(await attempt.catch((caught: unknown) => caught)).toMatchObject({ code: 'InvalidObjectKey' });
      for (const key of BAD_KEYS) {
        await expectInvalid(store.put(key, 'x', 1, 'text/plain'));
        await expectInvalid(store.getBuffer(key));
        await expectInvalid(store.getStream(key));
        await expectInvalid(store.exists(key));
        await expectInvalid(store.remove(key));
      }
      for (const prefix of ['', '../', 'a/../', '/abs/', 'no-slash', 'a\\b/', 'a//']) {
        await expectInvalid(store.removePrefix(prefix));
      }
      for (const prefix of ['../', '/abs/', 'no-slash']) await expectInvalid(listKeys(store, prefix));
    });

    it('fails a put whose stream is shorter or longer than declared, keeping nothing', async () => {
      const prefix = fresh();
      const short = await store
        .put(`${prefix}short`, trickle(Buffer.alloc(100)), 200, 'application/octet-stream')
        .catch((caught: unknown) => caught);
      expect(short).toBeInstanceOf(ObjectSizeMismatchError);
      expect((short as Error).message).toMatch(/ended after 100 of the declared 200 bytes/);
      const long = await store
        .put(`${prefix}long`, trickle(Buffer.alloc(100_000)), 50_000, 'application/octet-stream')
        .catch((caught: unknown) => caught);
      expect(long).toBeInstanceOf(ObjectSizeMismatchError);
      await expect(store.put(`${prefix}buffer`, 'four', 3, 'text/plain')).rejects.toBeInstanceOf(
        ObjectSizeMismatchError,
      );
      expect(await subject.leftovers(prefix)).toEqual([]);
    });

    it('leaves nothing of a put whose stream fails midway, and keeps the previous version', async () => {
      const prefix = fresh();
      await expect(
        store.put(`${prefix}new`, failing(randomBytes(5000)), 10_000, 'application/octet-stream'),
      ).rejects.toThrow('client went away');
      expect(await store.exists(`${prefix}new`)).toBe(false);
      expect(await subject.leftovers(prefix)).toEqual([]);

      await store.put(`${prefix}kept`, 'old version', 11, 'text/plain');
      await expect(
        store.put(`${prefix}kept`, failing(Buffer.from('new ver')), 11, 'text/plain'),
      ).rejects.toThrow();
      expect((await store.getBuffer(`${prefix}kept`)).toString()).toBe('old version');
      expect(await subject.leftovers(prefix)).toEqual([`${prefix}kept`]);
    });

    it.runIf(racingWriters)(
      'keeps one whole version when writers race on a key, and readers never see a mix',
      async () => {
        const key = `${fresh()}contended`;
        const versions = Array.from({ length: 6 }, (_, index) => Buffer.alloc(256 * 1024, 65 + index));
        let writing = true;
        const seen = new Set<string>();
        const reader = (async () => {
          while (writing) {
            const bytes = await store.getBuffer(key).catch((error: unknown) => {
              if (isNotFound(error)) return undefined;
              throw error;
            });
            if (bytes) seen.add(versions.some((version) => version.equals(bytes)) ? 'whole' : 'torn');
            await new Promise((resolve) => setImmediate(resolve));
          }
        })();
        await Promise.all(
          versions.map((bytes) => store.put(key, trickle(bytes), bytes.length, 'application/octet-stream')),
        );
        writing = false;
        await reader;
        const final = await store.getBuffer(key);
        expect(versions.some((version) => version.equals(final))).toBe(true);
        expect(seen.has('torn')).toBe(false);
        expect(await subject.leftovers(key.slice(0, key.lastIndexOf('/') + 1))).toEqual([key]);
      },
    );
  });
}
