import yauzl from 'yauzl';
import yazl from 'yazl';

/** The entries of a zip, each inflated: what the export wrote. */
export async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const entries = new Map<string, Buffer>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    entries.set(entry.fileName, Buffer.concat(chunks));
  }
  return entries;
}

/**
 * A zip of these entries, in this order (a hand-made archive, to import what no export would write).
 * `null` content makes a directory entry (`files/`, zero length), as `zip -r` and file managers add.
 */
export async function zipOf(entries: Array<[string, Buffer | string | null]>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of entries) {
    if (content === null) zip.addEmptyDirectory(name);
    else zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name);
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A zip with one more entry named `name` exactly as given: yazl refuses names such as `../x`, so the
 * entry is written under a harmless name of the same length and renamed in the archive's bytes (the
 * name is in no checksum).
 */
export async function zipWithRawName(
  entries: Array<[string, Buffer | string]>,
  name: string,
): Promise<Buffer> {
  const placeholder = 'q'.repeat(Buffer.byteLength(name));
  const bytes = await zipOf([...entries, [placeholder, 'x']]);
  const from = Buffer.from(placeholder);
  const to = Buffer.from(name);
  for (let at = bytes.indexOf(from); at !== -1; at = bytes.indexOf(from, at + 1)) to.copy(bytes, at);
  return bytes;
}
