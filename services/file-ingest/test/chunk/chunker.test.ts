import { chunkText, normalizeSegments } from '@chatty/file-ingest';
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
});
