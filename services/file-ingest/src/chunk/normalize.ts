import type { TextSegment } from '../extract/types.js';

export interface NormalizedText {
  text: string;
  /** Where each page starts in `text`, in order; empty for formats without pages. */
  pageStarts: Array<{ page: number; start: number }>;
}

/**
 * One clean text from the extracted segments: Unix newlines, no control characters, no trailing
 * spaces, at most one blank line in a row, pages separated by a blank line with their offsets kept.
 */
export function normalizeSegments(segments: TextSegment[]): NormalizedText {
  let text = '';
  const pageStarts: NormalizedText['pageStarts'] = [];
  for (const segment of segments) {
    const clean = normalizeText(segment.text);
    if (!clean) continue;
    if (text) text += '\n\n';
    if (segment.page !== null) pageStarts.push({ page: segment.page, start: text.length });
    text += clean;
  }
  return { text, pageStarts };
}

function normalizeText(raw: string): string {
  return (
    raw
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      // Form feeds and vertical tabs end paragraphs in Word exports; other controls carry nothing.
      .replace(/[\f\v]/g, '\n\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, '')
      .replace(/[ \t\u00a0]+\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

/** The page a character offset falls on (null for formats without pages). */
export function pageAt(pageStarts: NormalizedText['pageStarts'], offset: number): number | null {
  let page: number | null = null;
  for (const each of pageStarts) {
    if (each.start > offset) break;
    page = each.page;
  }
  return page;
}
