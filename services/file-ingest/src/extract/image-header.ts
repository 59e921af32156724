import { ExtractionRefused } from './types.js';

/** What an image's header says a decoder will allocate: its size, and for a GIF every frame's pixels. */
export interface ImageHeader {
  width: number;
  height: number;
  /** Pixels a decoder holds: width × height, or for a GIF its frames' added up (it keeps them all). */
  pixels: number;
  frames: number;
}

/**
 * Reads the dimensions from a PNG, JPEG or GIF header without decoding anything. Every one of these
 * formats states its size before its pixels, and that size is what a decoder allocates, so a file of a
 * few hundred bytes can ask for gigabytes. Undefined when the header cannot be read.
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (
    view.length >= 24 &&
    view.readUInt32BE(0) === 0x89504e47 &&
    view.toString('latin1', 12, 16) === 'IHDR'
  ) {
    return single(view.readUInt32BE(16), view.readUInt32BE(20));
  }
  if (view.length >= 3 && view[0] === 0xff && view[1] === 0xd8) return jpegHeader(view);
  if (view.length >= 10 && view.toString('latin1', 0, 4) === 'GIF8') return gifHeader(view);
  return undefined;
}

/** Refuses an image whose header asks for more than `maxPixels` (or cannot be read), before any decode. */
export function checkImagePixels(bytes: Uint8Array, maxPixels: number): ImageHeader {
  const header = readImageHeader(bytes);
  if (!header || header.width === 0 || header.height === 0) {
    throw new ExtractionRefused("the image's size cannot be read; the file may be damaged");
  }
  if (header.pixels > maxPixels) {
    const size =
      header.frames > 1
        ? `${header.frames} frames of ${megapixels(header.pixels)} megapixels in all`
        : `${header.width}×${header.height} pixels (${megapixels(header.pixels)} megapixels)`;
    throw new ExtractionRefused(
      `the image has ${size}; images up to ${megapixels(maxPixels)} megapixels can be read; make it smaller`,
    );
  }
  return header;
}

export const megapixels = (pixels: number) => String(Math.round(pixels / 100_000) / 10);

const single = (width: number, height: number): ImageHeader => ({
  width,
  height,
  pixels: width * height,
  frames: 1,
});

/** The frame header (SOFn) comes before the scan data; the largest one found there is the image. */
function jpegHeader(view: Buffer): ImageHeader | undefined {
  let found: ImageHeader | undefined;
  let at = 2;
  while (at + 4 <= view.length) {
    if (view[at] !== 0xff) return found;
    const marker = view[at + 1]!;
    // Fill bytes, and the markers that stand alone (no length): RSTn, TEM.
    if (marker === 0xff || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return found; // start of scan, end of image
    const length = view.readUInt16BE(at + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame && at + 9 <= view.length) {
      const frame = single(view.readUInt16BE(at + 7), view.readUInt16BE(at + 5));
      if (!found || frame.pixels > found.pixels) found = frame;
    }
    at += 2 + length;
  }
  return found;
}

/**
 * The logical screen, then every image descriptor: a GIF decoder (giflib's DGifSlurp, under the OCR
 * engine) decodes all frames into memory, so a thousand small frames weigh as much as one huge image.
 */
function gifHeader(view: Buffer): ImageHeader {
  const screen = single(view.readUInt16LE(6), view.readUInt16LE(8));
  let pixels = 0;
  let frames = 0;
  const flags = view[10]!;
  let at = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
  const skipSubBlocks = () => {
    while (at < view.length && view[at] !== 0) at += view[at]! + 1;
    at++;
  };
  while (at < view.length) {
    const block = view[at];
    if (block === 0x2c && at + 10 <= view.length) {
      frames++;
      pixels += view.readUInt16LE(at + 5) * view.readUInt16LE(at + 7);
      const local = view[at + 9]!;
      at += 10 + (local & 0x80 ? 3 * 2 ** ((local & 7) + 1) : 0) + 1; // + the LZW code size
      skipSubBlocks();
    } else if (block === 0x21) {
      at += 2;
      skipSubBlocks();
    } else {
      break; // the trailer (0x3b), or bytes that are not GIF any more: stop counting
    }
  }
  return { ...screen, pixels: Math.max(screen.pixels, pixels), frames: Math.max(frames, 1) };
}
