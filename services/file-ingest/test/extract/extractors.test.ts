import { ExtractionRefused, extract } from '@chatty/file-ingest';
import { describe, expect, it } from 'vitest';
import { makeDoc } from '../fixtures/make-doc.js';
import { makeTextImage } from '../fixtures/make-image.js';
import { makePdf } from '../fixtures/make-pdf.js';
import { makeDocx } from '../fixtures/make-zip.js';

const LIMITS = {
  maxPages: 5,
  maxChars: 10_000,
  maxUnzippedBytes: 1024 * 1024,
  maxJsonDepth: 50,
  maxImagePixels: 40_000_000,
};
const text = async (...args: Parameters<typeof extract>) =>
  (await extract(...args)).segments.map((segment) => segment.text).join('|');

describe('extractors', () => {
  it('reads UTF-8 (with or without BOM) and UTF-16 LE/BE with BOM', async () => {
    expect(await text('txt', Buffer.from('naïve café'), LIMITS)).toBe('naïve café');
    expect(await text('md', Buffer.from('\ufeff# Title'), LIMITS)).toBe('# Title');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('größe', 'utf16le')]);
    expect(await text('txt', le, LIMITS)).toBe('größe');
    const be = Buffer.from(
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('größe', 'utf16le').swap16()]),
    );
    expect(await text('txt', be, LIMITS)).toBe('größe');
  });

  it('refuses text that is not valid UTF-8', async () => {
    await expect(extract('txt', Buffer.from([0x61, 0xc3, 0x28]), LIMITS)).rejects.toThrow(/not valid UTF-8/);
  });

  it('prints JSON indented, and refuses nesting past the limit', async () => {
    expect(await text('json', Buffer.from('{"a":[1,{"b":"x"}]}'), LIMITS)).toBe(
      '{\n  "a": [\n    1,\n    {\n      "b": "x"\n    }\n  ]\n}',
    );
    // Brackets inside strings do not count.
    expect(await text('json', Buffer.from(`{"s":"${'['.repeat(100)}"}`), LIMITS)).toContain('[[[');
    await expect(extract('json', Buffer.from(`${'['.repeat(51)}${']'.repeat(51)}`), LIMITS)).rejects.toThrow(
      'the JSON is nested 51 levels deep; the limit is 50',
    );
  });

  it('turns CSV rows into "header: value" lines with the delimiter sniffed', async () => {
    expect(await text('csv', Buffer.from('name\tcity\nAda\tLondon\n'), LIMITS)).toBe(
      'name: Ada\ncity: London',
    );
    expect(await text('csv', Buffer.from('a,b\n"1, quoted",2\n'), LIMITS)).toBe('a: 1, quoted\nb: 2');
  });

  it('reads DOCX and DOC bodies', async () => {
    expect(await text('docx', await makeDocx(['First.', 'Second & last.']), LIMITS)).toContain(
      'Second & last.',
    );
    expect(await text('doc', makeDoc(['Legacy body text.']), LIMITS)).toContain('Legacy body text.');
    await expect(extract('doc', Buffer.from('not an OLE file at all'), LIMITS)).rejects.toBeInstanceOf(
      ExtractionRefused,
    );
    await expect(extract('docx', Buffer.from('PK\u0003\u0004 broken'), LIMITS)).rejects.toThrow(
      /not a valid DOCX/,
    );
  });

  it('keeps PDF pages, OCRs a page without a text layer, and refuses too many pages', async () => {
    const scan = await makeTextImage('Zebra lanterns glow');
    const extracted = await extract('pdf', await makePdf(['First page words.', { png: scan }]), LIMITS);
    expect(extracted.pageCount).toBe(2);
    expect(extracted.segments[0]).toEqual({ page: 1, text: 'First page words.' });
    expect(extracted.segments[1]!.page).toBe(2);
    expect(extracted.segments[1]!.text).toMatch(/Zebra lanterns glow/);
    await expect(extract('pdf', await makePdf(['1', '2', '3', '4', '5', '6']), LIMITS)).rejects.toThrow(
      'the PDF has 6 pages; the limit is 5',
    );
  });

  it('refuses text past the character cap', async () => {
    await expect(extract('txt', Buffer.alloc(10_001, 0x61), LIMITS)).rejects.toThrow(
      'the extracted text exceeds 10000 characters; split the file',
    );
  });
});
