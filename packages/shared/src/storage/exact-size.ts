import { Readable } from 'node:stream';
import { ObjectSizeMismatchError } from './object-store.js';

/**
 * A put's body as bytes of exactly the declared size. The registry streams an upload with the size it
 * counted while spooling; if the stream then yields a different number of bytes (a file changed under
 * it, a cut connection), storing what arrived would keep a corrupt object under a valid key. Both stores
 * consume this and fail before anything becomes visible.
 */
export function exactBody(
  key: string,
  body: Buffer | string | Readable,
  size: number,
): Buffer | AsyncGenerator<Buffer> {
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (bytes.length !== size) throw new ObjectSizeMismatchError(key, size, bytes.length);
    return bytes;
  }
  if (!(body instanceof Readable))
    throw new TypeError('put: the body must be a Buffer, a string or a Readable');
  return exactChunks(key, body, size);
}

async function* exactChunks(key: string, body: Readable, size: number): AsyncGenerator<Buffer> {
  let received = 0;
  // Leaving this loop early (a throw here, or the consumer failing) destroys `body`, closing its file.
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    received += bytes.length;
    // Fail at the first byte too many rather than buffering an unbounded body.
    if (received > size) throw new ObjectSizeMismatchError(key, size, received);
    yield bytes;
  }
  if (received !== size) throw new ObjectSizeMismatchError(key, size, received);
}
