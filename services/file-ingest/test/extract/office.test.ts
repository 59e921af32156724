import { ExtractionRefused, extract } from '@chatty/file-ingest';
import { describe, expect, it } from 'vitest';
import { makePptx, makeXlsx } from '../fixtures/make-office.js';
import { zipOf } from '../fixtures/make-zip.js';

const LIMITS = {
  maxPages: 5,
  maxChars: 10_000,
  maxUnzippedBytes: 1024 * 1024,
  maxJsonDepth: 50,
  maxImagePixels: 40_000_000,
};

describe('PowerPoint (pptx)', () => {
  it('gives each slide its own page, in order, with its tables and speaker notes', async () => {
    const pptx = await makePptx([
      {
        title: 'Quarterly review',
        body: ['Revenue grew 12%', 'Churn fell to 3%'],
        notes: 'Mention the Oslo office.',
      },
      {
        title: 'Roadmap',
        table: [
          ['Quarter', 'Goal'],
          ['Q1', 'Launch zebra API'],
        ],
      },
      { title: 'Questions?' },
    ]);
    const extracted = await extract('pptx', pptx, LIMITS);
    expect(extracted.pageCount).toBe(3);
    expect(extracted.segments.map((segment) => segment.page)).toEqual([1, 2, 3]);
    expect(extracted.segments[0]!.text).toBe(
      'Quarterly review\nRevenue grew 12%\nChurn fell to 3%\n\nNotes: Mention the Oslo office.',
    );
    expect(extracted.segments[1]!.text).toBe('Roadmap\nQuarter\nGoal\nQ1\nLaunch zebra API');
    // The slide-number placeholder is not text of the slide.
    expect(extracted.segments[2]!.text).toBe('Questions?');
  });

  it('refuses more slides than the page cap, a zip bomb, and a package without a presentation', async () => {
    const many = await makePptx(Array.from({ length: 6 }, (_, n) => ({ title: `Slide ${n + 1}` })));
    await expect(extract('pptx', many, LIMITS)).rejects.toThrow(
      'the presentation has 6 slides; the limit is 5',
    );

    const bomb = await zipOf({
      'ppt/presentation.xml': '<p:presentation xmlns:p="p"/>',
      'ppt/media/padding.bin': Buffer.alloc(2 * 1024 * 1024),
    });
    await expect(extract('pptx', bomb, LIMITS)).rejects.toThrow(/expands to more than 1 MB.*zip bomb/);

    const empty = await zipOf({ '[Content_Types].xml': '<Types/>' });
    await expect(extract('pptx', empty, LIMITS)).rejects.toThrow(
      /not a valid PPTX: it has no ppt\/presentation.xml/,
    );
  });

  it('refuses a slide list naming one slide part many times (parsing it again and again)', async () => {
    const rels = `<Relationships>${[1, 2]
      .map((n) => `<Relationship Id="rId${n}" Type="x/slide" Target="slides/slide1.xml"/>`)
      .join('')}</Relationships>`;
    const repeated = await zipOf({
      'ppt/presentation.xml':
        '<p:presentation xmlns:p="p"><p:sldIdLst><p:sldId id="1" r:id="rId1" xmlns:r="r"/><p:sldId id="2" r:id="rId2" xmlns:r="r"/></p:sldIdLst></p:presentation>',
      'ppt/_rels/presentation.xml.rels': rels,
      'ppt/slides/slide1.xml': '<p:sld xmlns:p="p"/>',
    });
    await expect(extract('pptx', repeated, LIMITS)).rejects.toThrow(
      'not a valid PPTX: ppt/slides/slide1.xml is listed twice',
    );
  });

  it('stops at the character cap', async () => {
    const long = await makePptx([{ title: 'Long', body: ['word '.repeat(2500)] }]);
    await expect(extract('pptx', long, LIMITS)).rejects.toThrow(
      'the extracted text exceeds 10000 characters',
    );
  });

  it('refuses XML that declares its own entities (no entity expansion)', async () => {
    const laughs = await zipOf({
      'ppt/presentation.xml':
        '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><p:presentation xmlns:p="p">&b;</p:presentation>',
    });
    await expect(extract('pptx', laughs, LIMITS)).rejects.toBeInstanceOf(ExtractionRefused);
  });
});

describe('Excel (xlsx)', () => {
  it('gives each sheet a page named by the sheet, rows as header: value lines, values as Excel shows them', async () => {
    const xlsx = await makeXlsx({
      Budget: [
        ['Q3 budget'],
        ['Item', 'Amount', 'Due', 'Paid'],
        ['Rent', 1200.5, new Date(Date.UTC(2026, 2, 1)), true],
        ['Total', { formula: 'SUM(B3:B3)', result: 1200.5 }, null, false],
      ],
      Contacts: [
        ['Name', 'City'],
        ['Ada', 'London'],
      ],
    });
    const extracted = await extract('xlsx', xlsx, LIMITS);
    expect(extracted.pageCount).toBe(2);
    expect(extracted.segments).toEqual([
      {
        page: 1,
        text:
          'Sheet: Budget\n\nQ3 budget\n\nItem\tAmount\tDue\tPaid\n\n' +
          'Item: Rent\nAmount: 1200.5\nDue: 2026-03-01\nPaid: TRUE\n\n' +
          'Item: Total\nAmount: 1200.5\nPaid: FALSE',
      },
      { page: 2, text: 'Sheet: Contacts\n\nName\tCity\n\nName: Ada\nCity: London' },
    ]);
  });

  it('refuses sheets that share one part', async () => {
    const shared = await zipOf({
      'xl/workbook.xml':
        '<workbook xmlns:r="r"><sheets><sheet name="A" r:id="rId1"/><sheet name="B" r:id="rId2"/></sheets></workbook>',
      'xl/_rels/workbook.xml.rels':
        '<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
      'xl/worksheets/sheet1.xml': '<worksheet><sheetData/></worksheet>',
    });
    await expect(extract('xlsx', shared, LIMITS)).rejects.toThrow(
      'not a valid XLSX: two sheets share xl/worksheets/sheet1.xml',
    );
  });

  it('refuses more sheets than the page cap, text past the character cap, and a zip bomb', async () => {
    const sheets = Object.fromEntries(Array.from({ length: 6 }, (_, n) => [`S${n}`, [['a', 'b']]]));
    await expect(extract('xlsx', await makeXlsx(sheets), LIMITS)).rejects.toThrow(
      'the workbook has 6 sheets; the limit is 5',
    );
    const rows = Array.from({ length: 1000 }, (_, n) => [`row ${n}`, 'some words here']);
    await expect(extract('xlsx', await makeXlsx({ Big: rows }), LIMITS)).rejects.toThrow(
      'the extracted text exceeds 10000 characters',
    );
    const bomb = await zipOf({
      'xl/workbook.xml': '<workbook/>',
      'xl/media/padding.bin': Buffer.alloc(2 * 1024 * 1024),
    });
    await expect(extract('xlsx', bomb, LIMITS)).rejects.toThrow(/zip bomb/);
  });
});

describe('source code', () => {
  it('is read as it is, indentation kept', async () => {
    const source = 'function hello() {\n  console.log("Hello World");\n}\n';
    const extracted = await extract('code', Buffer.from(source), LIMITS);
    expect(extracted.segments).toEqual([{ page: null, text: source }]);
  });
});
