import { isCodeLanguage, knowledgeTypeOfMime, textKeyOfOriginal } from '@chatty/contracts';
import type { Logger, ObjectStore } from '@chatty/shared';
import { CODE_CHUNKING, chunkText, DEFAULT_CHUNKING, SLIDE_AND_SHEET_CHUNKING } from '../chunk/chunker.js';
import { normalizeSegments } from '../chunk/normalize.js';
import {
  type FileToIngest,
  findFileToIngest,
  markFailed,
  markReady,
  saveChunksAndMarkReady,
  saveChunksKeepingIdentical,
  setProgress,
} from '../db/file.repository.js';
import type { Db } from '../db/schema.js';
import { type Embedder, embedFileChunks } from '../embed/embed-file.js';
import { EmbeddingUnavailable } from '../embed/embedding-client.js';
import type { ExtractionSandbox } from '../extract/sandbox.js';
import { ExtractionRefused, type ExtractKind, type ExtractLimits } from '../extract/types.js';

export interface IngestDeps {
  db: Db;
  store: ObjectStore;
  sandbox: ExtractionSandbox;
  limits: ExtractLimits;
  maxFileSize: number;
  log: Logger;
  /** Set when an embedding model is configured: chunks get vectors before the file is ready. */
  embedder?: Embedder;
}

export type IngestOutcome =
  | { status: 'ready'; chunks: number; chars: number }
  | { status: 'failed'; reason: string }
  /** The file was deleted before or while it was processed; nothing of it is left. */
  | { status: 'gone' }
  /** An earlier run finished it already (the job ran again after a crash). */
  | { status: 'done-before' };

/**
 * One file from blob to searchable chunks. Idempotent: a run after a crash redoes the work and replaces
 * what an earlier run saved. A file that can never be read ends `failed` with the reason; anything
 * else (storage or database trouble) throws so the queue retries it.
 */
export async function ingestFile(
  deps: IngestDeps,
  fileId: string,
  reportProgress: (fraction: number) => void = () => {},
): Promise<IngestOutcome> {
  const file = await findFileToIngest(deps.db, fileId);
  if (!file) return { status: 'gone' };
  if (file.status === 'ready' || file.status === 'failed') {
    deps.log.info({ fileId, status: file.status }, 'file already processed; nothing to do');
    return { status: 'done-before' };
  }
  const progress = progressWriter(deps.db, fileId, reportProgress);
  await setProgress(deps.db, fileId, 0.05, 'processing');
  const kind = extractKind(file);
  if (!kind) return fail(deps, file, `files of type ${file.mimeType} cannot be read`);
  if (file.size > deps.maxFileSize) {
    return fail(deps, file, `the file is larger than ${deps.maxFileSize} bytes`);
  }
  const bytes = await deps.store.getBuffer(file.storageKey, deps.maxFileSize);
  progress(0.1);

  let extracted: Awaited<ReturnType<ExtractionSandbox['run']>>;
  try {
    extracted = await deps.sandbox.run(kind, bytes, deps.limits, (fraction) =>
      progress(0.1 + fraction * 0.7),
    );
  } catch (error) {
    if (error instanceof ExtractionRefused) return fail(deps, file, error.message);
    throw error;
  }
  const normalized = normalizeSegments(extracted.segments);
  if (!normalized.text) {
    return fail(
      deps,
      file,
      kind === 'image' ? 'no text was found in the image' : 'the file contains no text',
    );
  }
  const chunks = chunkText(normalized, chunkingFor(kind));
  progress(0.85);

  const textKey = textKeyOfOriginal(file.storageKey);
  await deps.store.put(
    textKey,
    normalized.text,
    Buffer.byteLength(normalized.text),
    'text/plain; charset=utf-8',
  );
  const counts = { pageCount: extracted.pageCount, charCount: normalized.text.length };
  const saved = deps.embedder
    ? await saveEmbedAndMarkReady(deps, deps.embedder, file, chunks, counts, progress)
    : await saveChunksAndMarkReady(deps.db, file, chunks, counts);
  if (!saved) {
    // Deleted while we worked: take back the text we wrote, so nothing of the file survives it.
    await deps.store.remove(textKey);
    deps.log.info({ fileId }, 'file deleted during processing; discarded its text');
    return { status: 'gone' };
  }
  deps.log.info({ fileId, chunks: chunks.length, chars: normalized.text.length }, 'file ready');
  return { status: 'ready', chunks: chunks.length, chars: normalized.text.length };
}

/**
 * Chunks first (kept when an earlier run saved the same), then their vectors a batch at a time
 * (progress 0.88 → 0.99), then ready. Workers that cannot embed do not hold the file back: it is ready
 * with its words searchable, and the background pass (backfill.ts) adds the vectors later.
 */
async function saveEmbedAndMarkReady(
  deps: IngestDeps,
  embedder: Embedder,
  file: FileToIngest,
  chunks: ReturnType<typeof chunkText>,
  counts: { pageCount: number | null; charCount: number },
  progress: (fraction: number) => void,
): Promise<boolean> {
  if (!(await saveChunksKeepingIdentical(deps.db, file, chunks))) return false;
  progress(0.88);
  try {
    await embedFileChunks(deps.db, embedder, file, (done, total) => progress(0.88 + (0.11 * done) / total));
  } catch (error) {
    if (!(error instanceof EmbeddingUnavailable)) throw error;
    deps.log.warn(
      { fileId: file.id, reason: error.message },
      'file ready without all its vectors; they are added once a worker can embed',
    );
  }
  return markReady(deps.db, file.id, chunks.length, counts);
}

async function fail(deps: IngestDeps, file: FileToIngest, reason: string): Promise<IngestOutcome> {
  await markFailed(deps.db, file.id, reason);
  deps.log.info({ fileId: file.id, reason }, 'file failed');
  return { status: 'failed', reason };
}

function chunkingFor(kind: ExtractKind) {
  if (kind === 'code') return CODE_CHUNKING;
  if (kind === 'pptx' || kind === 'xlsx') return SLIDE_AND_SHEET_CHUNKING;
  return DEFAULT_CHUNKING;
}

function extractKind(file: FileToIngest): ExtractKind | undefined {
  const type = knowledgeTypeOfMime(file.mimeType);
  if (type === 'png' || type === 'jpeg' || type === 'gif') return 'image';
  if (type && isCodeLanguage(type)) return 'code';
  return type;
}

/** Progress to the job and the row, the row at most every 250 ms: polling clients see it move. */
function progressWriter(db: Db, fileId: string, report: (fraction: number) => void) {
  let lastWrite = 0;
  return (fraction: number) => {
    report(fraction);
    const now = Date.now();
    if (now - lastWrite < 250) return;
    lastWrite = now;
    setProgress(db, fileId, Math.min(fraction, 0.99)).catch(() => {});
  };
}
