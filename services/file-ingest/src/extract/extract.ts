import { extractCsv } from './csv.js';
import { extractDoc } from './doc.js';
import { extractDocx } from './docx.js';
import { checkImagePixels } from './image-header.js';
import { extractJson } from './json.js';
import { recognize } from './ocr.js';
import { extractPdf } from './pdf.js';
import { extractPptx } from './pptx.js';
import { decodeText } from './text.js';
import {
  CharBudget,
  type Extracted,
  type ExtractKind,
  type ExtractLimits,
  type ProgressReporter,
} from './types.js';
import { extractXlsx } from './xlsx.js';

/** Runs the extractor for a file's type. Called inside the sandbox thread, or directly by the bench. */
export async function extract(
  kind: ExtractKind,
  bytes: Buffer,
  limits: ExtractLimits,
  progress: ProgressReporter = () => {},
): Promise<Extracted> {
  // Formats with pages (slides and sheets count as pages) keep them for citations.
  if (kind === 'pdf') return extractPdf(bytes, limits, progress);
  if (kind === 'pptx') return extractPptx(bytes, limits);
  if (kind === 'xlsx') return extractXlsx(bytes, limits);
  const text = await extractText(kind, bytes, limits);
  return { segments: [{ page: null, text: new CharBudget(limits.maxChars).take(text) }], pageCount: null };
}

async function extractText(kind: ExtractKind, bytes: Buffer, limits: ExtractLimits): Promise<string> {
  switch (kind) {
    case 'txt':
    case 'md':
    case 'code':
      return decodeText(bytes);
    case 'json':
      return extractJson(bytes, limits.maxJsonDepth);
    case 'csv':
      return extractCsv(bytes);
    case 'docx':
      return extractDocx(bytes, limits.maxUnzippedBytes);
    case 'doc':
      return extractDoc(bytes);
    case 'image':
      // The header's size is what the OCR engine's decoder would allocate: refuse before it does.
      checkImagePixels(bytes, limits.maxImagePixels);
      return recognize(bytes);
    case 'pdf':
    case 'pptx':
    case 'xlsx':
      throw new Error(`${kind} has pages; see extract()`);
  }
}
