import { ExtractionRefused } from './types.js';

/**
 * Plain text as UTF-8, or UTF-16 when a byte-order mark says so (as Windows tools write it). Anything
 * that is not valid text in those encodings is refused rather than turned into replacement characters.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decode('utf-16le', bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decode('utf-16be', bytes.subarray(2));
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return decode('utf-8', bytes.subarray(start));
}

function decode(encoding: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new ExtractionRefused(`the file is not valid ${encoding.toUpperCase()} text; save it as UTF-8`);
  }
}
