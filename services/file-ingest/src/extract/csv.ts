import Papa from 'papaparse';
import { decodeText } from './text.js';
import { ExtractionRefused } from './types.js';

/**
 * Each row as `header: value` lines, rows separated by a blank line, so a chunk of rows still says
 * what each value means. The delimiter (comma, semicolon, tab, pipe) is sniffed.
 */
export function extractCsv(bytes: Uint8Array): string {
  const source = decodeText(bytes);
  const parsed = Papa.parse<string[]>(source, {
    delimitersToGuess: [',', ';', '\t', '|'],
    skipEmptyLines: 'greedy',
  });
  const quoteError = parsed.errors.find((error) => error.code === 'MissingQuotes');
  if (quoteError) {
    throw new ExtractionRefused(
      `the CSV has an unterminated quote in row ${(quoteError.row ?? 0) + 1}; close the quote and upload it again`,
    );
  }
  const [header, ...rows] = parsed.data;
  if (!header) return '';
  const names = header.map((name, index) => name.trim() || `column ${index + 1}`);
  return rows
    .map((row) => row.map((value, index) => `${names[index] ?? `column ${index + 1}`}: ${value}`).join('\n'))
    .join('\n\n');
}
