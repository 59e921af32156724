import { createRequire } from 'node:module';
import Tesseract from 'tesseract.js';

const require = createRequire(import.meta.url);
/** The English model ships in an npm package, so OCR never downloads anything at run time. */
const english = require('@tesseract.js-data/eng') as { langPath: string; gzip: boolean };

let engine: Promise<Tesseract.Worker> | undefined;

/** One OCR engine per extraction thread, started on first use (about half a second) and reused. */
function ocrEngine(): Promise<Tesseract.Worker> {
  engine ??= Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, {
    langPath: english.langPath,
    gzip: english.gzip,
    cacheMethod: 'none',
  });
  return engine;
}

/** The text in an encoded image (PNG, JPEG, GIF, BMP, PNM). */
export async function recognize(image: Buffer): Promise<string> {
  const worker = await ocrEngine();
  const { data } = await worker.recognize(image);
  return data.text;
}

/**
 * Raw pixels as a binary PNM image (PGM for grey, PPM for colour), which the OCR engine reads without
 * any encoder of ours: a PDF page's embedded scan arrives as decoded pixels.
 */
export function pixelsToPnm(pixels: Uint8Array | Uint8ClampedArray, width: number, height: number): Buffer {
  const channels = pixels.length / (width * height);
  if (channels === 1 || channels === 3) {
    const header = Buffer.from(`${channels === 1 ? 'P5' : 'P6'}\n${width} ${height}\n255\n`);
    return Buffer.concat([header, Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength)]);
  }
  // RGBA: drop the alpha channel.
  const rgb = Buffer.alloc(width * height * 3);
  for (let src = 0, dst = 0; dst < rgb.length; src += 4, dst += 3) {
    rgb[dst] = pixels[src]!;
    rgb[dst + 1] = pixels[src + 1]!;
    rgb[dst + 2] = pixels[src + 2]!;
  }
  return Buffer.concat([Buffer.from(`P6\n${width} ${height}\n255\n`), rgb]);
}
