/**
 * The largest image a PDF declares, read from its raw bytes without parsing it: an image XObject is a
 * stream, and streams never sit inside (compressed) object streams, so every image's dictionary is
 * plain text in the file. pdf.js enforces the size limit itself (`maxImageSize`) but only drops such
 * images silently; this is how the extractor can tell the person why a PDF gave no text.
 */
export function largestDeclaredImage(bytes: Uint8Array): { width: number; height: number } | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let largest: { width: number; height: number } | undefined;
  for (const match of text.matchAll(/\/Subtype\s*\/Image\b/g)) {
    // The object's dictionary: from its `N G obj` to its `stream`.
    const dictionary = text.slice(text.lastIndexOf('obj', match.index), text.indexOf('stream', match.index));
    const width = Number(/\/Width\s+(\d+)\b(?!\s+\d+\s+R)/.exec(dictionary)?.[1]);
    const height = Number(/\/Height\s+(\d+)\b(?!\s+\d+\s+R)/.exec(dictionary)?.[1]);
    if (width > 0 && height > 0 && (!largest || width * height > largest.width * largest.height)) {
      largest = { width, height };
    }
  }
  return largest;
}
