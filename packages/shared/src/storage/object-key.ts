/**
 * The shape every object key must have, in both stores. The file store maps the segments of a key to
 * directories, so a key that could climb out of its root (`..`, an absolute path, a backslash that
 * Windows reads as a separator, a NUL that truncates a path) is refused before it reaches the disk;
 * S3 applies the same rules so the two stores accept exactly the same keys.
 *
 * Segments may not start with "." either: that covers "." and "..", and leaves dot-names free for the
 * file store's own temporary files, which therefore never collide with an object and never get listed.
 */
class InvalidObjectKeyError extends Error {
  readonly code = 'InvalidObjectKey';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidObjectKeyError';
  }
}

/** S3's limit; a file system path built from it stays well under PATH_MAX. */
const MAX_KEY_BYTES = 1024;
const MAX_SEGMENT_BYTES = 255;

/** `key`'s segments, or InvalidObjectKeyError. */
export function checkKey(key: string): string[] {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidObjectKeyError(String(key), 'empty');
  if (key.endsWith('/')) throw new InvalidObjectKeyError(key, 'ends with "/" (that is a prefix)');
  return checkSegments(key, key);
}

/** `prefix`'s segments ([] for ""), or InvalidObjectKeyError. A prefix is "" or ends with "/". */
export function checkPrefix(prefix: string, { allowEmpty }: { allowEmpty: boolean }): string[] {
  if (prefix === '') {
    if (allowEmpty) return [];
    // Removing "" would remove the whole bucket: never what a caller building keys from ids means.
    throw new InvalidObjectKeyError(prefix, 'an empty prefix is not allowed here');
  }
  if (!prefix.endsWith('/')) throw new InvalidObjectKeyError(prefix, 'a prefix must end with "/"');
  return checkSegments(prefix.slice(0, -1), prefix);
}

function checkSegments(path: string, original: string): string[] {
  if (Buffer.byteLength(original) > MAX_KEY_BYTES) {
    throw new InvalidObjectKeyError(original, `longer than ${MAX_KEY_BYTES} bytes`);
  }
  if (original.includes('\0')) throw new InvalidObjectKeyError(original, 'contains NUL');
  if (original.includes('\\')) throw new InvalidObjectKeyError(original, 'contains a backslash');
  if (original.startsWith('/')) throw new InvalidObjectKeyError(original, 'is absolute');
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '') throw new InvalidObjectKeyError(original, 'has an empty segment');
    if (segment.startsWith('.')) throw new InvalidObjectKeyError(original, 'has a segment starting with "."');
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      throw new InvalidObjectKeyError(original, `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  return segments;
}
