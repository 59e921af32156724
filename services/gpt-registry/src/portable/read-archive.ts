import { Readable } from 'node:stream';
import { PORTABLE_FORMAT, PORTABLE_FORMAT_VERSION } from '@chatty/contracts';
import { AppError, badRequest } from '@chatty/shared';
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import yauzl from 'yauzl';
import { type SpooledUpload, spoolUpload } from '../files/spool-upload.js';
import {
  ACTIONS_ENTRY,
  FILE_ENTRY,
  FILES_DIRECTORY_ENTRY,
  GPT_ENTRY,
  MANIFEST_ENTRY,
  MAX_JSON_ENTRY_BYTES,
  Manifest,
  type PortableAction,
  PortableActions,
  PortableGpt,
} from './archive-layout.js';

export interface ArchiveLimits {
  /** The largest knowledge file (MAX_FILE_SIZE). */
  maxFileBytes: number;
  /** All entries together, unpacked. */
  maxTotalBytes: number;
  /** Knowledge files in one archive (QUOTA_FILES_PER_GPT: more could never be imported). */
  maxFiles: number;
}

export interface ArchiveFile {
  originalName: string;
  spooled: SpooledUpload;
}

export interface PortableArchive {
  manifest: Manifest;
  gpt: PortableGpt;
  actions: PortableAction[];
  files: ArchiveFile[];
  /** Removes the unpacked files; call it whatever happened. */
  remove(): Promise<void>;
}

const invalid = (message: string) => badRequest('INVALID_ARCHIVE', `Not a valid Chatty GPT file: ${message}`);

/**
 * Unpacks an uploaded archive without trusting it. Only the entries of the layout are accepted (any
 * other name, a directory but the layout's own empty `files/`, a path with `..` or a duplicate is
 * refused), so nothing in it chooses a path;
 * every entry is inflated and counted against its own cap and the total (yauzl also checks the bytes
 * against the declared sizes), so a zip bomb stops at the cap; JSON entries are checked against their
 * schemas, and each knowledge file against the size and SHA-256 the manifest gives.
 */
export async function readArchive(path: string, limits: ArchiveLimits): Promise<PortableArchive> {
  const zip = await yauzl
    .openPromise(path, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true })
    .catch((error: Error) => {
      throw invalid(`it is not a zip archive (${error.message})`);
    });
  const json = new Map<string, unknown>();
  const spooled = new Map<string, SpooledUpload>();
  const remove = async () => {
    await Promise.all([...spooled.values()].map((file) => file.remove()));
  };
  let total = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      // `files/` as a directory (empty, as `zip -r` writes it) holds nothing to read; its name is exact,
      // so every other directory, and `files/` carrying bytes, is still refused below.
      if (name === FILES_DIRECTORY_ENTRY && entry.uncompressedSize === 0) continue;
      const isFile = FILE_ENTRY.test(name);
      if (!isFile && name !== MANIFEST_ENTRY && name !== GPT_ENTRY && name !== ACTIONS_ENTRY) {
        throw invalid(`unexpected entry "${name.slice(0, 200)}"`);
      }
      if (json.has(name) || spooled.has(name)) throw invalid(`entry "${name}" appears twice`);
      if (isFile && spooled.size >= limits.maxFiles) {
        throw new AppError(
          413,
          'ARCHIVE_TOO_LARGE',
          `The archive holds more than ${limits.maxFiles} knowledge files (QUOTA_FILES_PER_GPT)`,
        );
      }
      const cap = isFile ? limits.maxFileBytes : MAX_JSON_ENTRY_BYTES;
      if (entry.uncompressedSize > cap) throw entryTooLarge(name, cap);
      if (total + entry.uncompressedSize > limits.maxTotalBytes) throw totalTooLarge(limits.maxTotalBytes);
      const stream = await zip.openReadStreamPromise(entry).catch((error: Error) => {
        throw invalid(`entry "${name}" cannot be read (${error.message})`);
      });
      const counted = Readable.from(capped(stream, cap, name));
      if (isFile) {
        const file = await spoolUpload(counted).catch(rethrowAsInvalid(name));
        spooled.set(name, file);
        total += file.size;
      } else {
        const bytes = await readAll(counted).catch(rethrowAsInvalid(name));
        total += bytes.length;
        json.set(name, parseJson(name, bytes));
      }
      if (total > limits.maxTotalBytes) throw totalTooLarge(limits.maxTotalBytes);
    }
    const manifest = checkManifest(json.get(MANIFEST_ENTRY));
    const gpt = checked(GPT_ENTRY, PortableGpt, json.get(GPT_ENTRY));
    const actions = json.has(ACTIONS_ENTRY)
      ? checked(ACTIONS_ENTRY, PortableActions, json.get(ACTIONS_ENTRY)).items
      : [];
    const files = manifest.files.map((described) => {
      const file = spooled.get(described.entry);
      if (!file) throw invalid(`the manifest lists ${described.entry}, which the archive lacks`);
      if (file.size !== described.size || file.sha256 !== described.sha256) {
        throw invalid(`${described.entry} (${described.originalName}) does not match its size or SHA-256`);
      }
      return { originalName: described.originalName, spooled: file };
    });
    if (spooled.size !== files.length) throw invalid('it holds files its manifest does not list');
    if (new Set(manifest.files.map((file) => file.entry)).size !== files.length) {
      throw invalid('the manifest lists a file twice');
    }
    return { manifest, gpt, actions, files, remove };
  } catch (error) {
    await remove();
    // yauzl refuses a malformed archive (a name with `..`, an absolute path, a size that lies) as it reads.
    if (error instanceof AppError) throw error;
    throw invalid((error as Error).message);
  } finally {
    zip.close();
  }
}

function checkManifest(value: unknown): Manifest {
  if (value === undefined) throw invalid(`${MANIFEST_ENTRY} is missing`);
  const head = value as { format?: unknown; formatVersion?: unknown };
  if (head.format !== PORTABLE_FORMAT)
    throw invalid(`${MANIFEST_ENTRY} does not name the format "${PORTABLE_FORMAT}"`);
  if (typeof head.formatVersion === 'number' && head.formatVersion > PORTABLE_FORMAT_VERSION) {
    throw badRequest(
      'UNSUPPORTED_FORMAT_VERSION',
      `The file is in format version ${head.formatVersion}; this server reads up to version ${PORTABLE_FORMAT_VERSION}. Upgrade Chatty to import it.`,
    );
  }
  return checked(MANIFEST_ENTRY, Manifest, value);
}

function checked<T extends TSchema>(name: string, schema: T, value: unknown) {
  if (value === undefined) throw invalid(`${name} is missing`);
  const error = Value.Errors(schema, value)[0];
  if (error) {
    const where = error.instancePath || '/';
    throw invalid(`${name}${where === '/' ? '' : ` at ${where}`}: ${error.message}`);
  }
  return value as Static<T>;
}

function parseJson(name: string, bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid(`${name} is not JSON`);
  }
}

function entryTooLarge(name: string, cap: number) {
  return new AppError(413, 'ARCHIVE_TOO_LARGE', `Entry "${name}" unpacks to more than ${cap} bytes`);
}

function totalTooLarge(cap: number) {
  return new AppError(
    413,
    'ARCHIVE_TOO_LARGE',
    `The archive unpacks to more than ${cap} bytes; it may be a zip bomb`,
  );
}

const rethrowAsInvalid = (name: string) => (error: unknown) => {
  if (error instanceof AppError) throw error;
  throw invalid(`entry "${name}" cannot be unpacked (${(error as Error).message})`);
};

/** Passes the entry's bytes on, failing once more than `cap` have come: the declared size may lie. */
async function* capped(stream: Readable, cap: number, name: string) {
  let seen = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen > cap) {
      stream.destroy();
      throw entryTooLarge(name, cap);
    }
    yield chunk;
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
