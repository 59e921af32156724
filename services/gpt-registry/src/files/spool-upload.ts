import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SPOOL_PREFIX } from './abandoned-spools.js';

export interface SpooledUpload {
  path: string;
  size: number;
  sha256: string;
  /** The text encoding the content is valid in: UTF-8 without NULs, or UTF-16 by its byte-order mark. */
  textEncoding: 'utf-8' | 'utf-16' | null;
  remove(): Promise<void>;
}

/**
 * Streams an upload to a temporary file while hashing it, counting it and checking whether it is text,
 * so the whole file is never held in memory and its size is known before it goes to object storage
 * (the store checks the streamed bytes against it, and S3 takes it in one PUT, never multipart).
 */
export async function spoolUpload(source: Readable): Promise<SpooledUpload> {
  const path = join(tmpdir(), `${SPOOL_PREFIX}${randomUUID()}`);
  const hash = createHash('sha256');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let size = 0;
  let validUtf8 = true;
  let hasNul = false;
  let bom: 'utf16' | undefined;
  const inspect = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (
        size === 0 &&
        chunk.length >= 2 &&
        ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))
      ) {
        bom = 'utf16';
      }
      size += chunk.length;
      hash.update(chunk);
      if (!bom && validUtf8) {
        if (chunk.includes(0)) hasNul = true;
        try {
          utf8.decode(chunk, { stream: true });
        } catch {
          validUtf8 = false;
        }
      }
      done(null, chunk);
    },
  });
  const remove = () => rm(path, { force: true });
  try {
    await pipeline(source, inspect, createWriteStream(path, { mode: 0o600 }));
    if (validUtf8 && !bom) {
      try {
        utf8.decode();
      } catch {
        validUtf8 = false;
      }
    }
  } catch (error) {
    await remove();
    throw error;
  }
  const textEncoding = bom === 'utf16' ? 'utf-16' : validUtf8 && !hasNul ? 'utf-8' : null;
  return { path, size, sha256: hash.digest('hex'), textEncoding, remove };
}
