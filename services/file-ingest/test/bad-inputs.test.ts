import { INGEST_QUEUE } from '@chatty/shared';
import { listKeys } from '@chatty/testkit';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MultipartPart, multipartBody } from '../../gpt-registry/test/images.js';
import { makeEncryptedPdf, makePdf } from './fixtures/make-pdf.js';
import { makeDocxBomb, makeLyingDocx } from './fixtures/make-zip.js';
import {
  createGpt,
  getFile,
  type Stack,
  search,
  signUp,
  startStack,
  upload,
  waitUntilDone,
} from './harness.js';

const MAX_FILE_SIZE = 256 * 1024;

describe('bad inputs', () => {
  let stack: Stack;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let gptId: string;

  beforeAll(async () => {
    stack = await startStack({
      env: { MAX_FILE_SIZE: String(MAX_FILE_SIZE), INGEST_MAX_UNZIPPED_BYTES: String(8 * 1024 * 1024) },
    });
    owner = await signUp(stack.registry.app);
    gptId = (await createGpt(stack.registry.app, owner.auth)).id;
  });
  afterAll(() => stack?.close());

  const rowCount = async () =>
    Number(
      (
        await stack.registry.app.db
          .selectFrom('gpt_file')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  describe('refused at upload, with nothing stored', () => {
    it.each([
      [
        'an EXE named .pdf',
        'invoice.pdf',
        Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]),
        415,
        'UNSUPPORTED_TYPE',
      ],
      [
        'a PDF named .txt',
        'notes.txt',
        Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'),
        415,
        'UNSUPPORTED_TYPE',
      ],
      [
        'binary bytes named .csv',
        'data.csv',
        Buffer.from([0x00, 0x01, 0xc3, 0x28, 0xff]),
        415,
        'UNSUPPORTED_TYPE',
      ],
      ['an unsupported extension', 'tool.exe', Buffer.from('plain words'), 415, 'UNSUPPORTED_TYPE'],
      [
        'binary bytes named .js (NULs are not text)',
        'app.js',
        Buffer.from('console.log(1)\u0000\u0000\u0001'),
        415,
        'UNSUPPORTED_TYPE',
      ],
      [
        'a PDF named .py',
        'script.py',
        Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'),
        415,
        'UNSUPPORTED_TYPE',
      ],
      [
        'a GIF named .xlsx',
        'sheet.xlsx',
        Buffer.from('GIF89a\u0001\u0000\u0001\u0000'),
        415,
        'UNSUPPORTED_TYPE',
      ],
      ['an empty file', 'empty.txt', Buffer.alloc(0), 400, 'EMPTY_FILE'],
      ['a file over the size limit', 'big.txt', Buffer.alloc(MAX_FILE_SIZE + 1, 0x61), 413, 'FILE_TOO_LARGE'],
    ])('%s', async (_label, name, bytes, status, code) => {
      const before = await rowCount();
      const response = await upload(stack, owner.auth, gptId, name, bytes);
      expect(response.statusCode).toBe(status);
      expect(response.json().error.code).toBe(code);
      expect(response.json().error.message).toBeTruthy();
      expect(await rowCount()).toBe(before);
      expect(await listKeys(stack.registry.s3.store)).toEqual([]);
    });

    describe('a body that is not one file in the field "file"', () => {
      let queue: Queue;
      beforeAll(() => {
        queue = new Queue(INGEST_QUEUE, {
          connection: { url: stack.ingestEnv.REDIS_URL! },
          prefix: stack.ingestEnv.REDIS_PREFIX,
        });
      });
      afterAll(() => queue?.close());

      // Done jobs are kept for a day, so a count that stays put means nothing was queued.
      const jobCount = async () =>
        Object.values(await queue.getJobCounts()).reduce((sum, count) => sum + count, 0);
      const post = (parts: MultipartPart[]) => {
        const { payload, headers } = multipartBody(parts);
        return stack.registry.app.inject({
          method: 'POST',
          url: `/api/gpts/${gptId}/files`,
          headers: { ...owner.auth, ...headers },
          payload,
        });
      };
      const text = (field: string, filename: string) => ({ field, filename, bytes: `Notes in ${filename}.` });

      const fields = (count: number) =>
        Array.from({ length: count }, (_, i): MultipartPart => ({ field: `note${i}`, bytes: 'words' }));

      it.each<[string, MultipartPart[], string, RegExp]>([
        [
          'a file under another field name',
          [text('upload', 'a.txt')],
          'UNEXPECTED_FILE_FIELD',
          /field "file"/,
        ],
        [
          'two files',
          [text('file', 'a.txt'), text('file', 'b.txt')],
          'TOO_MANY_FILES',
          /one file per request/,
        ],
        [
          'a second file under another name',
          [text('file', 'a.txt'), text('extra', 'b.txt')],
          'TOO_MANY_FILES',
          /one file per request/,
        ],
        // Past its limit of 5 fields the parser closes the file's stream: the upload used to wait forever.
        [
          'more plain fields than the parser takes',
          [...fields(6), text('file', 'a.txt')],
          'TOO_MANY_FIELDS',
          /field "file"/,
        ],
      ])('refuses %s with 400, storing and queueing nothing', async (_label, parts, code, words) => {
        const [rows, jobs] = [await rowCount(), await jobCount()];
        const response = await post(parts);
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json().error).toMatchObject({ code, message: expect.stringMatching(words) });
        expect(await rowCount()).toBe(rows);
        expect(await listKeys(stack.registry.s3.store)).toEqual([]);
        expect(await jobCount()).toBe(jobs);
      });

      const raw = (contentType: string, payload: string) =>
        stack.registry.app.inject({
          method: 'POST',
          url: `/api/gpts/${gptId}/files`,
          headers: { ...owner.auth, 'content-type': contentType },
          payload,
        });
      const part = (boundary: string) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n` +
        'Content-Type: text/plain\r\n\r\nSome notes.';

      it.each<[string, string, string]>([
        ['a multipart type without a boundary', 'multipart/form-data', 'abc'],
        [
          'a boundary longer than multipart allows (70)',
          `multipart/form-data; boundary=${'b'.repeat(300)}`,
          `${part('b'.repeat(300))}\r\n--${'b'.repeat(300)}--\r\n`,
        ],
      ])('refuses %s with 400 BAD_MULTIPART, storing and queueing nothing', async (_label, type, payload) => {
        const [rows, jobs] = [await rowCount(), await jobCount()];
        const response = await raw(type, payload);
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json().error.code).toBe('BAD_MULTIPART');
        expect(await rowCount()).toBe(rows);
        expect(await listKeys(stack.registry.s3.store)).toEqual([]);
        expect(await jobCount()).toBe(jobs);
      });

      it('passes over plain fields beside the file', async () => {
        const response = await post([...fields(2), text('file', 'fields.txt'), ...fields(3)]);
        expect(response.statusCode, response.body).toBe(202);
        expect(response.json().originalName).toBe('fields.txt');
        await stack.registry.app.inject({
          method: 'DELETE',
          url: `/api/gpts/files/${response.json().id}`,
          headers: owner.auth,
        });
      });
    });

    it('accepts a file of exactly the size limit', async () => {
      const response = await upload(stack, owner.auth, gptId, 'limit.txt', Buffer.alloc(MAX_FILE_SIZE, 0x61));
      expect(response.statusCode).toBe(202);
      await stack.registry.app.inject({
        method: 'DELETE',
        url: `/api/gpts/files/${response.json().id}`,
        headers: owner.auth,
      });
    });
  });

  it('shortens a name past 255 characters at its stem, keeping its extension and whole characters', async () => {
    const name = `${'😀'.repeat(300)}.md`;
    const response = await upload(stack, owner.auth, gptId, name, Buffer.from('# Long names'));
    expect(response.statusCode, response.body).toBe(202);
    const stored = response.json();
    expect(stored.originalName).toBe(`${'😀'.repeat(252)}.md`);
    expect(stored.filename).toBe(`${stored.id}.md`);
    await stack.registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/files/${stored.id}`,
      headers: owner.auth,
    });
  });

  it('treats a name with ../ and a NUL as metadata: the object key is made of ids', async () => {
    const response = await upload(
      stack,
      owner.auth,
      gptId,
      '../../../etc/passwd\u0000.txt',
      Buffer.from('Path games.'),
    );
    expect(response.statusCode).toBe(202);
    const file = response.json();
    expect(file.originalName).toBe('passwd.txt');
    expect(file.filename).toBe(`${file.id}.txt`);
    expect(await listKeys(stack.registry.s3.store)).toContain(
      `${owner.user.id}/${gptId}/${file.id}/original`,
    );
    expect((await waitUntilDone(stack, owner.auth, file.id)).status).toBe('ready');
  });

  describe('refused by the worker with a reason, the worker staying healthy', () => {
    const cases: Array<[string, string, () => Promise<Buffer>, RegExp]> = [
      [
        'a DOCX zip bomb',
        'bomb.docx',
        () => makeDocxBomb(64 * 1024 * 1024),
        /expands to more than 8 MB.*zip bomb/,
      ],
      ['a ZIP lying about its sizes', 'liar.docx', makeLyingDocx, /not a valid DOCX/],
      ['an encrypted PDF', 'locked.pdf', makeEncryptedPdf, /encrypted with a password/],
      [
        'a truncated PDF',
        'cut.pdf',
        async () => {
          const pdf = await makePdf(['Whole page.']);
          return pdf.subarray(0, Math.floor(pdf.length / 2));
        },
        /not a valid PDF \(damaged or truncated\)/,
      ],
      [
        'a 100k-deep nested JSON',
        'deep.json',
        async () => Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)),
        /nested 100000 levels deep; the limit is 256/,
      ],
      [
        'a CSV with an unterminated quote',
        'quote.csv',
        async () => Buffer.from('a,b\n1,"open\n2,3\n'),
        /unterminated quote in row 2/,
      ],
      ['a JSON that is not JSON', 'broken.json', async () => Buffer.from('{"a": '), /not valid JSON/],
    ];

    it.each(cases)('%s', async (_label, name, make, reason) => {
      const bytes = await make();
      expect(bytes.length).toBeLessThan(MAX_FILE_SIZE);
      const response = await upload(stack, owner.auth, gptId, name, bytes);
      expect(response.statusCode, response.body).toBe(202);
      const file = await waitUntilDone(stack, owner.auth, response.json().id);
      expect(file.status).toBe('failed');
      expect(file.error).toMatch(reason);
      expect(file.chunkCount).toBeNull();
      const text = await stack.registry.app.inject({
        method: 'GET',
        url: `/api/gpts/files/${file.id}/text`,
        headers: owner.auth,
      });
      expect(text.statusCode).toBe(409);
      expect(text.json().error.code).toBe('FILE_NOT_READY');
    });

    it('then processes a good file as usual', async () => {
      const health = await stack.ingest.inject({ method: 'GET', url: '/health/ready' });
      expect(health.statusCode).toBe(200);
      const response = await upload(
        stack,
        owner.auth,
        gptId,
        'after.txt',
        Buffer.from('The wombat survived the storm.'),
      );
      const file = await waitUntilDone(stack, owner.auth, response.json().id);
      expect(file.status).toBe('ready');
      const result = await search(stack, { gptId, query: 'wombat', budgetTokens: 1000 });
      expect(result.chunks.find((chunk) => chunk.fileId === file.id)).toMatchObject({
        fileName: 'after.txt',
      });
      expect((await getFile(stack, owner.auth, file.id)).progress).toBe(1);
    });
  });
});
