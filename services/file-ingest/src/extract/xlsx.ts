import { parseXml, relationshipsOf, requirePart } from './ooxml.js';
import { CharBudget, type Extracted, ExtractionRefused, type TextSegment } from './types.js';
import { unzipGuarded } from './zip-guard.js';

const WHAT = 'XLSX';
const WORKBOOK = 'xl/workbook.xml';

interface Sheet {
  name: string;
  path: string;
}
interface CellFormats {
  /** The cell styles (`s` attribute) whose number format shows a date or a time. */
  dateStyles: Set<number>;
  date1904: boolean;
}

/**
 * Each sheet as a page, in the workbook's order, starting with `Sheet: <name>`; its rows as
 * `header: value` lines like a CSV file's, so a chunk of rows still says what each value means. Values
 * are what Excel shows for text, numbers, booleans and errors, formulas by their last result, dates as
 * ISO dates. Unzipped under the DOCX guard; sheets count against the page cap, cells against the
 * character cap as they are read.
 */
export async function extractXlsx(
  bytes: Buffer,
  limits: { maxPages: number; maxChars: number; maxUnzippedBytes: number },
): Promise<Extracted> {
  const entries = await unzipGuarded(
    bytes,
    limits.maxUnzippedBytes,
    WHAT,
    (name) => name.endsWith('.rels') || /^xl\/([^/]+|worksheets\/[^/]+)\.xml$/.test(name),
  );
  const relationships = relationshipsOf(entries, WORKBOOK, WHAT);
  const partOfType = (type: string) =>
    [...relationships.values()].find((rel) => rel.type.endsWith(`/${type}`))?.target;
  const { sheets, date1904 } = readWorkbook(requirePart(entries, WORKBOOK, WHAT), relationships);
  if (sheets.length > limits.maxPages) {
    throw new ExtractionRefused(`the workbook has ${sheets.length} sheets; the limit is ${limits.maxPages}`);
  }
  const strings = readSharedStrings(entries.get(partOfType('sharedStrings') ?? ''));
  const formats: CellFormats = {
    dateStyles: readDateStyles(entries.get(partOfType('styles') ?? '')),
    date1904,
  };
  const budget = new CharBudget(limits.maxChars);
  const segments: TextSegment[] = sheets.map((sheet, index) => {
    const part = entries.get(sheet.path);
    const rows = part?.length ? sheetRows(part, strings, formats, budget) : [];
    return { page: index + 1, text: budget.take(`Sheet: ${sheet.name}\n\n`) + rows.join('\n\n') };
  });
  return { segments, pageCount: sheets.length };
}

function readWorkbook(part: Buffer, relationships: Map<string, { target: string }>) {
  const sheets: Sheet[] = [];
  let date1904 = false;
  parseXml(part, WHAT, {
    open({ name, attributes }) {
      if (name === 'workbookPr') date1904 = attributes.date1904 === '1' || attributes.date1904 === 'true';
      if (name !== 'sheet') return;
      const target = relationships.get(attributes.id ?? '')?.target;
      if (!target) return;
      // Excel never shares a part between sheets; a file that does would have it parsed once per sheet.
      if (sheets.some((sheet) => sheet.path === target)) {
        throw new ExtractionRefused(`not a valid XLSX: two sheets share ${target}`);
      }
      sheets.push({ name: attributes.name ?? `Sheet ${sheets.length + 1}`, path: target });
    },
  });
  return { sheets, date1904 };
}

/** The shared strings table: each item's text, rich-text runs joined, phonetic guides left out. */
function readSharedStrings(part: Buffer | undefined): string[] {
  const strings: string[] = [];
  if (!part?.length) return strings;
  let current: string | null = null;
  let inText = false;
  let inPhonetic = false;
  parseXml(part, WHAT, {
    open({ name }) {
      if (name === 'si') current = '';
      else if (name === 'rPh') inPhonetic = true;
      else if (name === 't' && !inPhonetic) inText = true;
    },
    text(text) {
      if (inText && current !== null) current += text;
    },
    close(name) {
      if (name === 't') inText = false;
      else if (name === 'rPh') inPhonetic = false;
      else if (name === 'si' && current !== null) {
        strings.push(current);
        current = null;
      }
    },
  });
  return strings;
}

/** Excel's built-in date and time formats (ECMA-376 18.8.30, with the East Asian ones). */
const BUILT_IN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54,
  55, 56, 57, 58,
]);

/** A custom format shows a date when, outside quoted text, escapes and [colours], it has d, m, y, h or s. */
const isDateFormat = (code: string) =>
  /[dmyhs]/i.test(code.replace(/"[^"]*"|\\.|\[(?!h\]|m\]|s\])[^\]]*\]/gi, ''));

function readDateStyles(part: Buffer | undefined): Set<number> {
  const dateStyles = new Set<number>();
  if (!part?.length) return dateStyles;
  const customDates = new Set<number>();
  let inCellXfs = false;
  let index = 0;
  parseXml(part, WHAT, {
    open({ name, attributes }) {
      if (name === 'numFmt' && isDateFormat(attributes.formatCode ?? '')) {
        customDates.add(Number(attributes.numFmtId));
      } else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const format = Number(attributes.numFmtId ?? 0);
        if (BUILT_IN_DATE_FORMATS.has(format) || customDates.has(format)) dateStyles.add(index);
        index++;
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return dateStyles;
}

/** The sheet's non-empty rows, rendered; rows before the first with two values are kept as plain lines. */
function sheetRows(part: Buffer, strings: string[], formats: CellFormats, budget: CharBudget): string[] {
  const rendered: string[] = [];
  let header: Map<number, string> | null = null;
  let row: Map<number, string> | null = null;
  let cell: { column: number; type: string; style: number; value: string } | null = null;
  let nextColumn = 0;
  let inValue = false;
  parseXml(part, WHAT, {
    open({ name, attributes }) {
      if (name === 'row') {
        row = new Map();
        nextColumn = 0;
      } else if (name === 'c' && row) {
        const column = attributes.r ? columnIndex(attributes.r) : nextColumn;
        cell = { column, type: attributes.t ?? 'n', style: Number(attributes.s ?? 0), value: '' };
      } else if ((name === 'v' || name === 't') && cell) inValue = true;
    },
    text(text) {
      if (inValue && cell) cell.value += text;
    },
    close(name) {
      if (name === 'v' || name === 't') inValue = false;
      else if (name === 'c' && cell && row) {
        const value = cellText(cell, strings, formats);
        if (value.trim()) row.set(cell.column, value);
        nextColumn = cell.column + 1;
        cell = null;
      } else if (name === 'row' && row) {
        if (row.size > 0) {
          let text: string;
          if (!header && row.size >= 2) {
            header = row;
            text = [...row.values()].join('\t');
          } else if (!header) text = [...row.values()].join('\t');
          else {
            const names = header;
            text = [...row]
              .map(([column, value]) => `${names.get(column) ?? columnName(column)}: ${value}`)
              .join('\n');
          }
          rendered.push(budget.take(text));
        }
        row = null;
      }
    },
  });
  return rendered;
}

function cellText(
  cell: { type: string; style: number; value: string },
  strings: string[],
  formats: CellFormats,
): string {
  switch (cell.type) {
    case 's':
      return strings[Number(cell.value)] ?? '';
    case 'b':
      return cell.value === '1' ? 'TRUE' : 'FALSE';
    case 'str':
    case 'inlineStr':
    case 'e':
    case 'd':
      return cell.value;
    default: {
      const number = Number(cell.value);
      if (cell.value === '' || !Number.isFinite(number)) return cell.value;
      if (formats.dateStyles.has(cell.style)) return dateOf(number, formats.date1904);
      // Excel shows 15 significant digits: 0.1 + 0.2 is 0.3 there.
      return String(Number(number.toPrecision(15)));
    }
  }
}

/** An Excel serial date as ISO 8601 (day 0 is 1899-12-30, or 1904-01-01 in the 1904 system). */
function dateOf(serial: number, date1904: boolean): string {
  const ms = Math.round((serial + (date1904 ? 1462 : 0)) * 86_400_000) + Date.UTC(1899, 11, 30);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(serial);
  const iso = new Date(ms).toISOString();
  const time = iso.slice(11, 19);
  if (serial >= 0 && serial < 1) return time;
  return time === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
}

/** `C7` → 2 (zero-based). */
function columnIndex(reference: string): number {
  let index = 0;
  for (const char of reference.toUpperCase()) {
    if (char < 'A' || char > 'Z') break;
    index = index * 26 + (char.charCodeAt(0) - 64);
  }
  return index - 1;
}

/** 2 → `C`. */
function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  }
  return name;
}
