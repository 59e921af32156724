import { getDocument, OPS, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import * as pdfWorker from 'pdfjs-dist/legacy/build/pdf.worker.mjs';
import { megapixels } from './image-header.js';
import { pixelsToPnm, recognize } from './ocr.js';
import { largestDeclaredImage } from './pdf-declared-images.js';
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

/**
 * Text per page; a page without a text layer (a scan) is read by OCR from its largest image. Images over
 * `maxImagePixels` are never decoded (pdf.js drops them); a PDF that gave no text while holding such an
 * image fails with that reason rather than "no text".
 */
export async function extractPdf(
  bytes: Uint8Array,
  limits: { maxPages: number; maxChars: number; maxImagePixels: number },
  progress: ProgressReporter,
): Promise<Extracted> {
  const pdf = await openPdf(bytes, limits.maxImagePixels);
  try {
    if (pdf.numPages > limits.maxPages) {
      throw new ExtractionRefused(`the PDF has ${pdf.numPages} pages; the limit is ${limits.maxPages}`);
    }
    const budget = new CharBudget(limits.maxChars);
    const segments: TextSegment[] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      let text = await pageText(page);
      if (!text.trim()) {
        const image = await largestImage(page);
        if (image) text = await recognize(pixelsToPnm(image.data, image.width, image.height));
      }
      segments.push({ page: number, text: budget.take(text) });
      page.cleanup();
      progress(number / pdf.numPages);
    }
    if (!segments.some((segment) => segment.text.trim())) refuseIfImageTooLarge(bytes, limits.maxImagePixels);
    return { segments, pageCount: pdf.numPages };
  } finally {
    await pdf.destroy();
  }
}

function refuseIfImageTooLarge(bytes: Uint8Array, maxImagePixels: number): void {
  const image = largestDeclaredImage(bytes);
  if (!image || image.width * image.height <= maxImagePixels) return;
  throw new ExtractionRefused(
    `the PDF holds an image of ${image.width}×${image.height} pixels ` +
      `(${megapixels(image.width * image.height)} megapixels) and no text; images over ` +
      `${megapixels(maxImagePixels)} megapixels are not read; scan it at a lower resolution (300 dpi is plenty)`,
  );
}

async function openPdf(bytes: Uint8Array, maxImagePixels: number) {
  try {
    return await getDocument({
      // A copy as a plain Uint8Array: pdf.js refuses Buffers and takes ownership of what it is given.
      data: new Uint8Array(bytes),
      // Never compile code from a document (CVE-2024-4367); no fonts are needed to read text.
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      // An image's declared size is checked before its stream is decoded: a few KB of nested
      // FlateDecode can declare gigabytes of pixels. Larger images are dropped, unread.
      maxImageSize: maxImagePixels,
      // No page is ever rendered (OCR reads the embedded image), so no canvas is made for one.
      isOffscreenCanvasSupported: false,
      isImageDecoderSupported: false,
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

async function largestImage(page: PDFPageProxy): Promise<Required<PdfImage> | undefined> {
  const operators = await page.getOperatorList();
  let largest: PdfImage | undefined;
  for (let i = 0; i < operators.fnArray.length; i++) {
    if (operators.fnArray[i] !== OPS.paintImageXObject) continue;
    const name = operators.argsArray[i][0] as string;
    const image = await new Promise<PdfImage>((resolve) => page.objs.get(name, resolve));
    if (image?.data && (!largest || image.width * image.height > largest.width * largest.height))
      largest = image;
  }
  return largest?.data ? (largest as Required<PdfImage>) : undefined;
}
