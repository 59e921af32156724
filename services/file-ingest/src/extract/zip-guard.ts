import yauzl from 'yauzl';
import { ExtractionRefused } from './types.js';

/**
 * Opens an archive without trusting it: the declared sizes must stay under the cap, and every entry is
 * inflated and counted (yauzl also checks each entry against its declared size), so neither a zip bomb
 * nor an archive lying about its sizes reaches the parser. Returns the entry names.
 */
export async function inspectZip(bytes: Buffer, maxUnzippedBytes: number, what: string): Promise<string[]> {
  return [...(await unzipGuarded(bytes, maxUnzippedBytes, what, () => false)).keys()];
}

/**
 * The same walk, keeping the content of the entries `keep` names (inflated, within the same cap): the
 * map holds every entry name, with its bytes when kept and an empty buffer otherwise.
 */
export async function unzipGuarded(
  bytes: Buffer,
  maxUnzippedBytes: number,
  what: string,
  keep: (name: string) => boolean,
): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true }, (error, file) =>
      error ? reject(new ExtractionRefused(`not a valid ${what}: ${error.message}`)) : resolve(file),
    ),
  );
  const entries = new Map<string, Buffer>();
  let total = 0;
  const tooBig = () =>
    new ExtractionRefused(
      `the ${what} expands to more than ${Math.round(maxUnzippedBytes / 1048576)} MB when unpacked; it may be a zip bomb`,
    );
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (error: Error) =>
        reject(new ExtractionRefused(`not a valid ${what}: ${error.message}`)),
      );
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const kept: Buffer[] = [];
        const keeping = keep(entry.fileName);
        entries.set(entry.fileName, Buffer.alloc(0));
        if (total + entry.uncompressedSize > maxUnzippedBytes) return reject(tooBig());
        zip.openReadStream(entry, (error, stream) => {
          if (error) return reject(new ExtractionRefused(`not a valid ${what}: ${error.message}`));
          stream.on('data', (chunk: Buffer) => {
            if (keeping) kept.push(chunk);
            total += chunk.length;
            if (total > maxUnzippedBytes) {
              stream.destroy();
              reject(tooBig());
            }
          });
          stream.on('error', (streamError) =>
            reject(new ExtractionRefused(`not a valid ${what}: ${streamError.message}`)),
          );
          stream.on('end', () => {
            if (keeping) entries.set(entry.fileName, Buffer.concat(kept));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return entries;
}
