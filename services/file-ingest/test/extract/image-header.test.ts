import { describe, expect, it } from 'vitest';
import { checkImagePixels, readImageHeader } from '../../src/extract/image-header.js';
import { largestDeclaredImage } from '../../src/extract/pdf-declared-images.js';
import { makePdfWithHugeImage, makePngDeclaring } from '../fixtures/make-huge-image.js';
import { makeTextImage } from '../fixtures/make-image.js';
import { makePdf } from '../fixtures/make-pdf.js';

/** A GIF of `frames` frames of width × height each, on a 10 × 10 screen; each frame's data is empty. */
function gifOfFrames(frames: number, width: number, height: number): Buffer {
  const u16 = (value: number) => [value & 0xff, value >> 8];
  const frame = [0x2c, ...u16(0), ...u16(0), ...u16(width), ...u16(height), 0x00, 0x02, 0x01, 0x00, 0x00];
  const comment = [0x21, 0xfe, 0x03, 0x61, 0x62, 0x63, 0x00];
  return Buffer.from([
    ...Buffer.from('GIF89a'),
    ...u16(10),
    ...u16(10),
    0x00,
    0x00,
    0x00,
    ...comment,
    ...Array.from({ length: frames }, () => frame).flat(),
    0x3b,
  ]);
}

describe('image headers', () => {
  it.each(['image/png', 'image/jpeg', 'image/gif'] as const)('reads the size of an %s', async (mime) => {
    const image = await makeTextImage('Narwhal', mime);
    expect(readImageHeader(image)).toEqual({
      width: 24 + 7 * 18,
      height: 64,
      pixels: (24 + 7 * 18) * 64,
      frames: 1,
    });
  });

  it('counts every frame of a GIF: its decoder keeps them all', () => {
    expect(readImageHeader(gifOfFrames(50, 1000, 1000))).toEqual({
      width: 10,
      height: 10,
      pixels: 50_000_000,
      frames: 50,
    });
    expect(() => checkImagePixels(gifOfFrames(50, 1000, 1000), 40_000_000)).toThrow(
      'the image has 50 frames of 50 megapixels in all; images up to 40 megapixels can be read; make it smaller',
    );
  });

  it('refuses a header over the budget, and one it cannot read', () => {
    expect(() => checkImagePixels(makePngDeclaring(100_000, 100_000), 40_000_000)).toThrow(
      'the image has 100000×100000 pixels (10000 megapixels); images up to 40 megapixels can be read; make it smaller',
    );
    expect(checkImagePixels(makePngDeclaring(6000, 6000), 40_000_000)).toMatchObject({ pixels: 36_000_000 });
    const truncatedJpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]);
    for (const bytes of [truncatedJpeg, Buffer.from('not an image at all')]) {
      expect(() => checkImagePixels(bytes, 40_000_000)).toThrow(
        "the image's size cannot be read; the file may be damaged",
      );
    }
  });
});

describe('images declared in a PDF', () => {
  it('finds the largest image from the raw bytes', async () => {
    expect(largestDeclaredImage(await makePdfWithHugeImage(20_000, 20_000))).toEqual({
      width: 20_000,
      height: 20_000,
    });
    const scan = await makePdf([{ png: await makeTextImage('Walrus') }, 'Some text.']);
    expect(largestDeclaredImage(scan)).toEqual({ width: 24 + 6 * 18, height: 64 });
    expect(largestDeclaredImage(await makePdf(['Only text.']))).toBeUndefined();
  });

  it('skips a size given as a reference to another object instead of misreading it', () => {
    const pdf = Buffer.from(
      '%PDF-1.7\n4 0 obj\n<< /Type /XObject /Subtype /Image /Width 12 0 R /Height 30 >>\nstream\n\nendstream\nendobj\n',
      'latin1',
    );
    expect(largestDeclaredImage(pdf)).toBeUndefined();
  });
});
