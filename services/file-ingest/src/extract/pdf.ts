import { getDocument, OPS, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import * as pdfWorker from 'pdfjs-dist/legacy/build/pdf.worker.mjs';
import { pixelsToPnm, recognize } from './ocr.js';
import {
  CharBudget,
  type Extracted,
  ExtractionRefused,
  type ProgressReporter,
  type TextSegment,
} from './types.js';

// pdf.js runs its parser on this thread (we are already off the main one). Handing it the worker module
// now, instead of letting it import that lazily, moves the cost to thread start-up.
(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = pdfWorker;

interface PdfImage {
  width: number;
  height: number;
  data?: Uint8Array | Uint8ClampedArray;
}

/** Text per page; a page without a text layer (a scan) is read by OCR from its largest image. */
export async function extractPdf(
  bytes: Uint8Array,
  limits: { maxPages: number; maxChars: number },
  progress: ProgressReporter,
): Promise<Extracted> {
  const pdf = await openPdf(bytes);
  try {
    if (pdf.numPages > limits.maxPages) {
      throw new ExtractionRefused(`the PDF has ${pdf.numPages} pages; the limit is ${limits.maxPages}`);
    }
    const budget = new CharBudget(limits.maxChars);
    const segments: TextSegment[] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      let text = await pageText(page);
      if (!text.trim()) text = await ocrPage(page);
      segments.push({ page: number, text: budget.take(text) });
      page.cleanup();
      progress(number / pdf.numPages);
    }
    return { segments, pageCount: pdf.numPages };
  } finally {
    await pdf.destroy();
  }
}

async function openPdf(bytes: Uint8Array) {
  try {
    return await getDocument({
      // A copy as a plain Uint8Array: pdf.js refuses Buffers and takes ownership of what it is given.
      data: new Uint8Array(bytes),
      // Never compile code from a document (CVE-2024-4367); no fonts are needed to read text.
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
    }).promise;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'PasswordException') {
      throw new ExtractionRefused(
        'the PDF is encrypted with a password; remove the password and upload it again',
      );
    }
    throw new ExtractionRefused(`not a valid PDF (damaged or truncated): ${(error as Error).message}`);
  }
}

async function pageText(page: PDFPageProxy): Promise<string> {
  const content = await page.getTextContent();
  let text = '';
  for (const item of content.items) {
    if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
  }
  return text;
}

async function ocrPage(page: PDFPageProxy): Promise<string> {
  const operators = await page.getOperatorList();
  let largest: PdfImage | undefined;
  for (let i = 0; i < operators.fnArray.length; i++) {
    if (operators.fnArray[i] !== OPS.paintImageXObject) continue;
    const name = operators.argsArray[i][0] as string;
    const image = await new Promise<PdfImage>((resolve) => page.objs.get(name, resolve));
    if (image?.data && (!largest || image.width * image.height > largest.width * largest.height))
      largest = image;
  }
  if (!largest?.data) return '';
  return recognize(pixelsToPnm(largest.data, largest.width, largest.height));
}
