import { makePptx, makeXlsx } from '../services/file-ingest/test/fixtures/make-office.js';
import { makePdf } from '../services/file-ingest/test/fixtures/make-pdf.js';
import { makeDocx } from '../services/file-ingest/test/fixtures/make-zip.js';

/** Words with a long tail, so text looks like prose to the tokenizer and the full-text index. */
export const VOCABULARY = Array.from({ length: 5000 }, (_, i) => wordFor(i));

function wordFor(i: number): string {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'qua', 'bri', 'dem'];
  let word = '';
  let n = i + 12;
  while (n > 0) {
    word += syllables[n % syllables.length];
    n = Math.floor(n / syllables.length);
  }
  return word;
}

/** Deterministic pseudo-random numbers: every run benches the same corpus. */
export function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function sentence(next: () => number, words = 12): string {
  const picked = Array.from(
    { length: words },
    () => VOCABULARY[Math.floor(next() ** 3 * VOCABULARY.length)]!,
  );
  return `${picked.join(' ')}.`;
}

export function prose(next: () => number, chars: number): string {
  const paragraphs: string[] = [];
  let size = 0;
  while (size < chars) {
    const paragraph = Array.from({ length: 6 }, () => sentence(next)).join(' ');
    paragraphs.push(paragraph);
    size += paragraph.length + 2;
  }
  return paragraphs.join('\n\n');
}

export interface BenchFile {
  type: string;
  name: string;
  bytes: Buffer;
  /** Pages for PDFs (slides, sheets); null otherwise. */
  pages: number | null;
}

/** The bench's corpus: `perType` files of each text type of about `size` bytes, and PDFs of `pdfPages`. */
export async function makeCorpus({
  perType,
  size,
  pdfPages,
}: {
  perType: number;
  size: number;
  pdfPages: number;
}) {
  const files: BenchFile[] = [];
  for (let i = 0; i < perType; i++) {
    const next = random(i + 1);
    files.push({ type: 'txt', name: `notes-${i}.txt`, bytes: Buffer.from(prose(next, size)), pages: null });
    files.push({
      type: 'md',
      name: `guide-${i}.md`,
      bytes: Buffer.from(`# Guide ${i}\n\n${prose(next, size)}`),
      pages: null,
    });
    const cells: string[][] = [['id', 'name', 'city', 'notes']];
    const rows = ['id,name,city,notes'];
    for (let length = 0; length < size; length += rows.at(-1)!.length + 1) {
      cells.push([String(rows.length), sentence(next, 2), sentence(next, 1), sentence(next, 8)]);
      rows.push(`${rows.length},${cells.at(-1)![1]},${cells.at(-1)![2]},"${cells.at(-1)![3]}"`);
    }
    files.push({ type: 'csv', name: `table-${i}.csv`, bytes: Buffer.from(rows.join('\n')), pages: null });
    // The same table as a workbook: xlsx against csv is the price of the format.
    files.push({ type: 'xlsx', name: `table-${i}.xlsx`, bytes: await makeXlsx({ Table: cells }), pages: 1 });
    const records: object[] = [];
    for (let length = 0; length < size; length += JSON.stringify(records.at(-1)).length + 1) {
      records.push({ id: records.length, title: sentence(next, 3), body: sentence(next, 20) });
    }
    files.push({
      type: 'json',
      name: `data-${i}.json`,
      bytes: Buffer.from(JSON.stringify(records)),
      pages: null,
    });
    const docxText = prose(next, size).split('\n\n');
    files.push({ type: 'docx', name: `report-${i}.docx`, bytes: await makeDocx(docxText), pages: null });
    const pages = Array.from({ length: pdfPages }, () => prose(next, 1500).replace(/\n\n/g, ' '));
    files.push({ type: 'pdf', name: `book-${i}.pdf`, bytes: await makePdf(pages), pages: pdfPages });
    // The same pages as slides.
    const slides = pages.map((text, n) => ({ title: `Slide ${n + 1}`, body: [text] }));
    files.push({ type: 'pptx', name: `deck-${i}.pptx`, bytes: await makePptx(slides), pages: pdfPages });
    const code = Array.from(
      { length: Math.ceil(size / 120) },
      (_, n) => `  const value${n} = this.store.get("${sentence(next, 6)}").toString();`,
    );
    files.push({
      type: 'code',
      name: `app-${i}.js`,
      bytes: Buffer.from(`function load() {\n${code.join('\n')}\n}\n`),
      pages: null,
    });
  }
  return files;
}
