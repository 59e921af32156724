import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDoc } from './fixtures/make-doc.js';
import { makeTextImage } from './fixtures/make-image.js';
import { makePptx, makeXlsx } from './fixtures/make-office.js';
import { makePdf } from './fixtures/make-pdf.js';
import { makeDocx } from './fixtures/make-zip.js';
import { createGpt, type Stack, search, signUp, startStack, upload, waitUntilDone } from './harness.js';

const filler = (topic: string, sentences: number) =>
  Array.from({ length: sentences }, (_, i) => `Paragraph ${i} talks about ${topic} at some length.`).join(
    ' ',
  );

/** One file per supported type, each holding a word no other file has. */
async function corpus() {
  return [
    {
      name: 'notes.txt',
      word: 'aardvark',
      bytes: Buffer.from(`Field notes.\n\nThe aardvark digs at night.\n`),
    },
    {
      name: 'guide.md',
      word: 'bandicoot',
      bytes: Buffer.from('# Guide\n\nA **bandicoot** is a marsupial.\n'),
    },
    {
      name: 'windows.txt',
      word: 'capybara',
      bytes: Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from('The capybara swims, naïvely.', 'utf16le'),
      ]),
    },
    {
      name: 'data.json',
      word: 'dugong',
      bytes: Buffer.from(JSON.stringify({ animals: [{ name: 'dugong', habitat: 'sea' }] })),
    },
    { name: 'table.csv', word: 'echidna', bytes: Buffer.from('animal;diet\nechidna;ants\nkoala;leaves\n') },
    {
      name: 'report.docx',
      word: 'flamingo',
      bytes: await makeDocx(['Birds.', 'The flamingo stands on one leg.']),
    },
    { name: 'legacy.doc', word: 'gazelle', bytes: makeDoc(['Old document.', 'The gazelle runs fast.']) },
    {
      name: 'book.pdf',
      word: 'hedgehog',
      page: 3,
      bytes: await makePdf([
        filler('rivers', 50),
        filler('mountains', 50),
        `The hedgehog sleeps in winter. ${filler('forests', 40)}`,
      ]),
    },
    { name: 'scan.png', word: 'zebra', bytes: await makeTextImage('Zebra lanterns glow') },
    { name: 'photo.jpg', word: 'harbor', bytes: await makeTextImage('Quiet harbor shines', 'image/jpeg') },
    { name: 'anim.gif', word: 'meadow', bytes: await makeTextImage('Warm meadow fades', 'image/gif') },
    // The design document's example, as its browser code sends it.
    {
      name: 'example.js',
      type: 'text/javascript',
      word: 'iguana',
      language: 'javascript',
      bytes: Buffer.from('console.log("Hello World")\n// the iguana basks\n'),
    },
    {
      name: 'tool.py',
      word: 'jaguar',
      language: 'python',
      bytes: Buffer.from('def jaguar_speed():\n    """Top speed of a jaguar."""\n    return 80\n'),
    },
    { name: 'config.yaml', word: 'kiwi', language: 'yaml', bytes: Buffer.from('bird: kiwi\nflies: false\n') },
    {
      name: 'deck.pptx',
      word: 'lemur',
      page: 3,
      // Short slides: each is its own chunk, so the citation names the slide.
      bytes: await makePptx([
        { title: 'Oceans', body: [filler('oceans', 3)] },
        { title: 'Deserts', body: [filler('deserts', 3)] },
        { title: 'The lemur leaps', body: [filler('islands', 5)] },
      ]),
    },
    {
      name: 'budget.xlsx',
      word: 'mongoose',
      page: 2,
      bytes: await makeXlsx({
        Costs: [
          ['Item', 'Amount'],
          ['Rent', 1200],
        ],
        Animals: [
          ['Animal', 'Count'],
          ['mongoose', 3],
          ...Array.from({ length: 150 }, (_, n) => [`Animal number ${n}`, n]),
        ],
      }),
    },
  ];
}

describe('knowledge files of every supported type', () => {
  let stack: Stack;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let gptId: string;
  const uploaded = new Map<string, { id: string; word: string; language: string | null; page?: number }>();

  beforeAll(async () => {
    stack = await startStack();
    owner = await signUp(stack.registry.app);
    gptId = (await createGpt(stack.registry.app, owner.auth)).id;
    for (const file of await corpus()) {
      const response = await upload(stack, owner.auth, gptId, file.name, file.bytes, file.type);
      expect(response.statusCode, `${file.name}: ${response.body}`).toBe(202);
      expect(response.json()).toMatchObject({
        status: 'queued',
        originalName: file.name,
        size: file.bytes.length,
        language: file.language ?? null,
      });
      uploaded.set(file.name, {
        id: response.json().id,
        word: file.word,
        language: file.language ?? null,
        ...(file.page && { page: file.page }),
      });
    }
  });
  afterAll(() => stack?.close());

  it('processes each file to ready, with its text and counts', async () => {
    for (const [name, file] of uploaded) {
      const done = await waitUntilDone(stack, owner.auth, file.id);
      expect(done, name).toMatchObject({ status: 'ready', progress: 1, error: null });
      expect(done.chunkCount, name).toBeGreaterThan(0);
      const text = await stack.registry.app.inject({
        method: 'GET',
        url: `/api/gpts/files/${file.id}/text`,
        headers: owner.auth,
      });
      expect(text.statusCode, name).toBe(200);
      expect(text.headers['content-type']).toMatch(/^text\/plain/);
      expect(text.body.toLowerCase(), name).toContain(file.word);
      expect(done.charCount).toBe(text.body.length);
    }
  });

  it("keeps source code as it is, stored under its language's type", async () => {
    const js = await waitUntilDone(stack, owner.auth, uploaded.get('example.js')!.id);
    expect(js).toMatchObject({
      mimeType: 'text/javascript',
      language: 'javascript',
      filename: expect.stringMatching(/\.js$/),
    });
    const text = await stack.registry.app.inject({
      method: 'GET',
      url: `/api/gpts/files/${js.id}/text`,
      headers: owner.auth,
    });
    expect(text.body).toBe('console.log("Hello World")\n// the iguana basks');
    const py = await stack.registry.app.inject({
      method: 'GET',
      url: `/api/gpts/files/${uploaded.get('tool.py')!.id}/text`,
      headers: owner.auth,
    });
    expect(py.body).toContain('\n    return 80');
  });

  it('keeps slides and sheets as pages', async () => {
    expect((await waitUntilDone(stack, owner.auth, uploaded.get('deck.pptx')!.id)).pageCount).toBe(3);
    const xlsx = await waitUntilDone(stack, owner.auth, uploaded.get('budget.xlsx')!.id);
    expect(xlsx.pageCount).toBe(2);
    const text = await stack.registry.app.inject({
      method: 'GET',
      url: `/api/gpts/files/${xlsx.id}/text`,
      headers: owner.auth,
    });
    expect(text.body).toContain(
      'Sheet: Animals\n\nAnimal\tCount\n\nAnimal: mongoose\nCount: 3\n\nAnimal: Animal number 0',
    );
  });

  it('keeps page numbers for PDFs and CSV rows as "header: value" lines', async () => {
    const pdf = await waitUntilDone(stack, owner.auth, uploaded.get('book.pdf')!.id);
    expect(pdf.pageCount).toBe(3);
    const csv = await stack.registry.app.inject({
      method: 'GET',
      url: `/api/gpts/files/${uploaded.get('table.csv')!.id}/text`,
      headers: owner.auth,
    });
    expect(csv.body).toBe('animal: echidna\ndiet: ants\n\nanimal: koala\ndiet: leaves');
  });

  it('finds the right chunk for a query, with its file name and page', async () => {
    for (const [name, file] of uploaded) {
      await waitUntilDone(stack, owner.auth, file.id);
      // A budget far below the whole knowledge: ranked retrieval, not the full text.
      const result = await search(stack, { gptId, query: file.word, k: 3, budgetTokens: 1000 });
      expect(result.mode, name).toBe('ranked');
      const best = result.chunks[0];
      expect(best, `${name}: ${JSON.stringify(result)}`).toBeDefined();
      expect(best).toMatchObject({ fileId: file.id, fileName: name, language: file.language });
      expect(best!.text.toLowerCase()).toContain(file.word);
      if (file.page) expect(best!.page).toBe(file.page);
      expect(result.chunks.reduce((sum, chunk) => sum + chunk.tokens, 0)).toBeLessThanOrEqual(1000);
    }
  });

  it('returns the whole knowledge in document order when it fits the budget', async () => {
    const result = await search(stack, { gptId, query: 'anything', budgetTokens: 100_000 });
    expect(result.mode).toBe('full');
    const files = new Set(result.chunks.map((chunk) => chunk.fileId));
    expect(files.size).toBe(uploaded.size);
    const pdfPages = result.chunks
      .filter((chunk) => chunk.fileName === 'book.pdf')
      .map((chunk) => chunk.page);
    expect(pdfPages).toEqual([...pdfPages].sort());
  });

  it('lists the GPT’s files oldest first', async () => {
    const response = await stack.registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/files`,
      headers: owner.auth,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().items.map((file: { originalName: string }) => file.originalName)).toEqual([
      ...uploaded.keys(),
    ]);
  });
});
