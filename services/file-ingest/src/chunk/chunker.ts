import { type NormalizedText, pageAt } from './normalize.js';
import { CHARS_PER_TOKEN, estimateTokens } from './tokens.js';

export interface Chunk {
  ordinal: number;
  page: number | null;
  charStart: number;
  charEnd: number;
  text: string;
  tokens: number;
}

export interface ChunkOptions {
  targetTokens: number;
  overlapTokens: number;
  /** Where a chunk may end inside a paragraph: after a sentence (prose), or after a line (code). */
  cutAfter?: 'sentence' | 'line';
  /** No chunk spans two pages, so a citation names the page that holds the passage. */
  onePagePerChunk?: boolean;
}

export const DEFAULT_CHUNKING: ChunkOptions = { targetTokens: 800, overlapTokens: 100 };
/** Source code: a `.` ends no sentence there (`console.log`), a line ends a statement. */
export const CODE_CHUNKING: ChunkOptions = { ...DEFAULT_CHUNKING, cutAfter: 'line' };
/** Slides and sheets: short pages a reader cites by number (slide 3), so chunks stay on one. */
export const SLIDE_AND_SHEET_CHUNKING: ChunkOptions = { ...DEFAULT_CHUNKING, onePagePerChunk: true };

interface Unit {
  start: number;
  end: number;
  /** The unit begins a paragraph: the preferred place to cut. */
  paragraph: boolean;
}

/**
 * Chunks of about `targetTokens`, cut between paragraphs where one ends late enough, otherwise between
 * sentences; each chunk after the first repeats up to `overlapTokens` of its predecessor's last
 * sentences (unless the cut falls between paragraphs), so a passage split across a cut is still found
 * whole in one of them.
 */
export function chunkText({ text, pageStarts }: NormalizedText, options = DEFAULT_CHUNKING): Chunk[] {
  const maxChars = options.targetTokens * CHARS_PER_TOKEN;
  const overlapChars = options.overlapTokens * CHARS_PER_TOKEN;
  const units = splitUnits(text, maxChars, options.cutAfter ?? 'sentence');
  const pages = units.map((unit) => pageAt(pageStarts, unit.start));
  const fits = (first: number, next: number) =>
    units[next]!.end - units[first]!.start <= maxChars &&
    (!options.onePagePerChunk || pages[next] === pages[first]);
  const chunks: Chunk[] = [];
  let first = 0;
  while (first < units.length) {
    let last = first;
    while (last + 1 < units.length && fits(first, last + 1)) last++;
    // Prefer ending at a paragraph boundary once the chunk is reasonably full.
    if (last + 1 < units.length && !units[last + 1]!.paragraph) {
      for (let cut = last; cut > first; cut--) {
        if (units[cut + 1]?.paragraph && units[cut]!.end - units[first]!.start >= maxChars * 0.6) {
          last = cut;
          break;
        }
      }
    }
    const charStart = units[first]!.start;
    const charEnd = units[last]!.end;
    const chunkText = text.slice(charStart, charEnd);
    chunks.push({
      ordinal: chunks.length,
      page: pages[first]!,
      charStart,
      charEnd,
      text: chunkText,
      tokens: estimateTokens(chunkText),
    });
    if (last + 1 >= units.length) break;
    let next = last + 1;
    // A cut between paragraphs (or pages) needs no overlap, and none keeps a chunk on one page.
    if (!units[next]!.paragraph) {
      while (next - 1 > first && units[last]!.end - units[next - 1]!.start <= overlapChars) next--;
    }
    first = next;
  }
  return chunks;
}

/** Sentences or lines (and pieces of over-long ones) with their offsets, marked where a paragraph starts. */
function splitUnits(text: string, maxChars: number, cutAfter: 'sentence' | 'line'): Unit[] {
  const units: Unit[] = [];
  const paragraphs = /[^\n]+(?:\n(?!\n)[^\n]*)*/g;
  for (const paragraph of text.matchAll(paragraphs)) {
    const base = paragraph.index;
    let paragraphStart = true;
    const sentences = cutAfter === 'line' ? /[^\n]*(?:\n|$)/g : /[^.!?\n]*(?:[.!?]+["')\]]*|\n|$)\s*/g;
    for (const sentence of paragraph[0].matchAll(sentences)) {
      if (!sentence[0]) break;
      let start = base + sentence.index;
      const end = base + sentence.index + sentence[0].trimEnd().length;
      while (end - start > maxChars) {
        const cut = text.lastIndexOf(' ', start + maxChars);
        const pieceEnd = cut > start ? cut : start + maxChars;
        units.push({ start, end: pieceEnd, paragraph: paragraphStart });
        paragraphStart = false;
        start = pieceEnd;
        while (text[start] === ' ') start++;
      }
      if (end > start) units.push({ start, end, paragraph: paragraphStart });
      paragraphStart = false;
    }
  }
  return units;
}
