import { CODE_CHUNKING, chunkText, normalizeSegments, SLIDE_AND_SHEET_CHUNKING } from '@chatty/file-ingest';
import { describe, expect, it } from 'vitest';

describe('normalizeSegments', () => {
  it('cleans text and keeps where each page starts', () => {
    const normalized = normalizeSegments([
      { page: 1, text: 'One  \r\nline\u0000.\n\n\n\nNext.' },
      { page: 2, text: '   ' },
      { page: 3, text: 'Three.' },
    ]);
    expect(normalized.text).toBe('One\nline.\n\nNext.\n\nThree.');
    expect(normalized.pageStarts).toEqual([
      { page: 1, start: 0 },
      { page: 3, start: normalized.text.indexOf('Three.') },
    ]);
  });
});

describe('chunkText', () => {
  const sentence = (i: number) => `Sentence number ${i} says something useful.`;
  const paragraph = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => sentence(from + i)).join(' ');

  it('makes chunks of about the target size that cover the whole text', () => {
    const text = Array.from({ length: 20 }, (_, p) => paragraph(p * 10, 10)).join('\n\n');
    const chunks = chunkText({ text, pageStarts: [] }, { targetTokens: 200, overlapTokens: 30 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(200);
      expect(chunk.text).toBe(text.slice(chunk.charStart, chunk.charEnd));
      // Cut at a sentence end, never mid-word.
      expect(chunk.text).toMatch(/\.$/);
    }
    expect(chunks[0]!.charStart).toBe(0);
    expect(chunks.at(-1)!.charEnd).toBe(text.length);
    for (let i = 1; i < chunks.length; i++)
      expect(chunks[i]!.charStart).toBeLessThanOrEqual(chunks[i - 1]!.charEnd + 2);
  });

  it('overlaps chunks cut inside a paragraph, and not those cut between paragraphs', () => {
    const long = paragraph(0, 60);
    const chunks = chunkText({ text: long, pageStarts: [] }, { targetTokens: 150, overlapTokens: 30 });
    expect(chunks[1]!.charStart).toBeLessThan(chunks[0]!.charEnd);
    const paragraphs = [paragraph(0, 12), paragraph(100, 12)].join('\n\n');
    const split = chunkText({ text: paragraphs, pageStarts: [] }, { targetTokens: 150, overlapTokens: 30 });
    expect(split.map((chunk) => chunk.text)).toEqual(paragraphs.split('\n\n'));
  });

  it('splits a sentence longer than a chunk at spaces, and records the page each chunk starts on', () => {
    const words = (from: number) => Array.from({ length: 200 }, (_, i) => `word${from + i}`).join(' ');
    const text = `${words(0)}\n\n${words(1000)}`;
    const secondPage = text.indexOf('word1000');
    const chunks = chunkText(
      {
        text,
        pageStarts: [
          { page: 1, start: 0 },
          { page: 2, start: secondPage },
        ],
      },
      { targetTokens: 100, overlapTokens: 0 },
    );
    expect(chunks.every((chunk) => chunk.text.length <= 400)).toBe(true);
    expect(chunks.map((chunk) => chunk.text).join(' ')).toBe(text.replace('\n\n', ' '));
    for (const chunk of chunks) expect(chunk.page).toBe(chunk.charStart >= secondPage ? 2 : 1);
    expect(chunks.at(-1)!.page).toBe(2);
  });

  it('cuts code after whole lines, never at a dot inside one, indentation kept', () => {
    const line = (i: number) => `    const value${i} = this.store.get(key${i}).toString();`;
    const text = `function load() {\n${Array.from({ length: 60 }, (_, i) => line(i)).join('\n')}\n}`;
    const options = { ...CODE_CHUNKING, targetTokens: 150, overlapTokens: 20 };
    const chunks = chunkText({ text, pageStarts: [] }, options);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.text).toBe(text.slice(chunk.charStart, chunk.charEnd));
      expect(chunk.charStart === 0 || text[chunk.charStart - 1] === '\n').toBe(true);
      expect(chunk.text).toMatch(/(;|\})$/);
    }
    expect(chunks[1]!.text.startsWith('    const value')).toBe(true);
    // Prose cutting would have ended chunks after "this." or "store.".
    const prose = chunkText({ text, pageStarts: [] }, { targetTokens: 150, overlapTokens: 20 });
    expect(prose.some((chunk) => /\.$/.test(chunk.text))).toBe(true);
  });

  it('keeps slides and sheets apart: no chunk spans two pages, so each cites its own', () => {
    const normalized = normalizeSegments(
      ['Revenue grew.', 'The lemur leaps.', 'Questions?'].map((text, index) => ({ page: index + 1, text })),
    );
    const chunks = chunkText(normalized, SLIDE_AND_SHEET_CHUNKING);
    expect(chunks.map((chunk) => [chunk.page, chunk.text])).toEqual([
      [1, 'Revenue grew.'],
      [2, 'The lemur leaps.'],
      [3, 'Questions?'],
    ]);
    // Prose chunking packs them together under the first page.
    expect(chunkText(normalized).map((chunk) => chunk.page)).toEqual([1]);
  });
});
