import { createHash } from 'node:crypto';
import { PORTABLE_FORMAT_VERSION } from '@chatty/contracts';
import { INGEST_QUEUE } from '@chatty/shared';
import { TEST_REDIS_URL } from '@chatty/testkit';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_ASSISTANT, createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { multipartBody, multipartFile, PNG_1X1 } from '../images.js';
import { unzip, zipOf, zipWithRawName } from './portable-archive.js';

let registry: RegistryHarness;
let owner: Awaited<ReturnType<typeof signUp>>;
let stranger: Awaited<ReturnType<typeof signUp>>;
beforeAll(async () => {
  // Small limits, so the size checks can be reached with small archives.
  registry = await startRegistry({ MAX_FILE_SIZE: String(64 * 1024), QUOTA_FILES_PER_GPT: '4' });
  owner = await signUp(registry.app);
  stranger = await signUp(registry.app);
});
afterAll(() => registry?.close());

type User = typeof owner;
const NOTES = Buffer.from('# Release notes\n\nVersion 2 adds the export of GPTs.\n');
const SCRIPT = Buffer.from("export function greet(name) {\n  return 'Hello ' + name;\n}\n");

async function upload(user: User, gptId: string, name: string, bytes: Buffer) {
  const file = multipartFile(name, 'application/octet-stream', bytes);
  const response = await registry.app.inject({
    method: 'POST',
    url: `/api/gpts/${gptId}/files`,
    headers: { ...user.auth, ...file.headers },
    payload: file.payload,
  });
  expect(response.statusCode, response.body).toBe(202);
}

async function exportGpt(user: User, gptId: string) {
  return registry.app.inject({ method: 'GET', url: `/api/gpts/${gptId}/export`, headers: user.auth });
}

function importFile(user: User, bytes: Buffer, into?: string) {
  const file = multipartFile('gpt.chatty.zip', 'application/zip', bytes);
  return registry.app.inject({
    method: 'POST',
    url: `/api/gpts/import${into ? `?into=${into}` : ''}`,
    headers: { ...user.auth, ...file.headers },
    payload: file.payload,
  });
}

/** A GPT with a chosen avatar, two knowledge files and two actions, one with a secret header. */
async function richGpt(user: User) {
  const gpt = await createGpt(registry.app, user.auth, {
    ...CODE_ASSISTANT,
    avatar: `data:image/png;base64,${PNG_1X1.toString('base64')}`,
  });
  await upload(user, gpt.id, 'notes.md', NOTES);
  await upload(user, gpt.id, 'greet.js', SCRIPT);
  for (const payload of [
    {
      name: 'Get Weather',
      url: 'https://api.weather.example/v1/current?q={{location}}',
      headers: { Authorization: 'Bearer s3cr3t-value', Accept: 'application/json' },
    },
    { name: 'List Pets', url: 'https://pets.example/pets', method: 'GET' },
  ]) {
    const response = await registry.app.inject({
      method: 'POST',
      url: `/api/gpts/${gpt.id}/actions`,
      headers: user.auth,
      payload,
    });
    expect(response.statusCode, response.body).toBe(201);
  }
  const updated = await registry.app.inject({
    method: 'PUT',
    url: `/api/gpts/${gpt.id}`,
    headers: user.auth,
    payload: { description: 'Second version' },
  });
  expect(updated.json().version).toBe(2);
  return gpt;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('GET /api/gpts/:id/export', () => {
  it('writes the configuration, avatar, actions without secrets, files and version', async () => {
    const gpt = await richGpt(owner);
    const response = await exportGpt(owner, gpt.id);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    expect(response.headers['content-disposition']).toBe('attachment; filename="Code-Assistant.chatty.zip"');
    const entries = await unzip(response.rawPayload);
    expect([...entries.keys()].sort()).toEqual([
      'actions.json',
      'files/1',
      'files/2',
      'gpt.json',
      'manifest.json',
    ]);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    expect(manifest).toMatchObject({
      format: 'chatty-gpt',
      formatVersion: PORTABLE_FORMAT_VERSION,
      gpt: { id: gpt.id, version: 2 },
      files: [
        { entry: 'files/1', originalName: 'notes.md', size: NOTES.length, sha256: sha256(NOTES) },
        { entry: 'files/2', originalName: 'greet.js', size: SCRIPT.length, sha256: sha256(SCRIPT) },
      ],
      secretsToSet: [{ action: 'Get Weather', header: 'Authorization' }],
    });
    expect(entries.get('files/1')).toEqual(NOTES);
    expect(entries.get('files/2')).toEqual(SCRIPT);
    const config = JSON.parse(entries.get('gpt.json')!.toString());
    expect(config).toMatchObject({
      name: 'Code Assistant',
      description: 'Second version',
      instructions: CODE_ASSISTANT.instructions,
      modelId: 'deepseek-coder',
      avatar: `data:image/png;base64,${PNG_1X1.toString('base64')}`,
    });
    // The secret value is nowhere in the archive.
    expect(response.rawPayload.includes('s3cr3t-value')).toBe(false);
    const actions = JSON.parse(entries.get('actions.json')!.toString()).items;
    expect(actions[0].headers).toEqual({ Authorization: '***', Accept: 'application/json' });
    for (const content of entries.values()) expect(content.includes('s3cr3t-value')).toBe(false);
  });

  it('refuses (409) before streaming when a file is missing from storage', async () => {
    const gpt = await createGpt(registry.app, owner.auth, { ...CODE_ASSISTANT, name: 'Lost file' });
    await upload(owner, gpt.id, 'notes.md', NOTES);
    await registry.app.storage.removePrefix(`${owner.user.id}/${gpt.id}/`);
    const response = await exportGpt(owner, gpt.id);
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'FILE_MISSING',
      message: expect.stringContaining('notes.md'),
    });
  });

  it("answers 404 for another user's GPT and for a missing one", async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    expect((await exportGpt(stranger, gpt.id)).statusCode).toBe(404);
    expect((await exportGpt(owner, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    const anonymous = await registry.app.inject({ method: 'GET', url: `/api/gpts/${gpt.id}/export` });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('POST /api/gpts/import', () => {
  it('round-trips a GPT with its files and actions; importing twice makes two GPTs', async () => {
    const source = await richGpt(owner);
    const archive = (await exportGpt(owner, source.id)).rawPayload;

    const first = await importFile(owner, archive);
    expect(first.statusCode, first.body).toBe(201);
    const report = first.json();
    expect(report).toMatchObject({
      created: true,
      sourceVersion: 2,
      gpt: { name: 'Code Assistant', description: 'Second version', version: 1, modelId: 'deepseek-coder' },
      skippedFiles: [],
    });
    expect(report.gpt.id).not.toBe(source.id);
    expect(report.gpt.avatar).toBe(`data:image/png;base64,${PNG_1X1.toString('base64')}`);
    expect(report.actions.map((action: { name: string }) => action.name)).toEqual([
      'Get Weather',
      'List Pets',
    ]);
    expect(report.secretsToSet).toEqual([
      { action: 'Get Weather', header: 'Authorization', actionId: report.actions[0].id },
    ]);
    expect(
      report.files.map((file: { originalName: string; status: string }) => [file.originalName, file.status]),
    ).toEqual([
      ['notes.md', 'queued'],
      ['greet.js', 'queued'],
    ]);

    // The imported actions: the same requests, the secret header left out until it is set again.
    const actions = (
      await registry.app.inject({
        method: 'GET',
        url: `/api/gpts/${report.gpt.id}/actions`,
        headers: owner.auth,
      })
    ).json().items;
    expect(actions[0]).toMatchObject({
      name: 'Get Weather',
      toolName: 'get_weather',
      url: 'https://api.weather.example/v1/current?q={{location}}',
      headers: { Accept: 'application/json' },
    });
    expect(actions[1]).toMatchObject({ name: 'List Pets', url: 'https://pets.example/pets' });

    // The files: the same bytes in storage, each queued for ingestion again.
    const files = (
      await registry.app.inject({
        method: 'GET',
        url: `/api/gpts/${report.gpt.id}/files`,
        headers: owner.auth,
      })
    ).json().items;
    expect(files.map((file: { sha256: string }) => file.sha256).sort()).toEqual(
      [sha256(NOTES), sha256(SCRIPT)].sort(),
    );
    const queue = new Queue(INGEST_QUEUE, {
      connection: { url: TEST_REDIS_URL },
      prefix: registry.queuePrefix,
    });
    try {
      for (const file of files) expect(await queue.getJob(file.id)).toBeDefined();
    } finally {
      await queue.close();
    }
    const again = await exportGpt(owner, report.gpt.id);
    const entries = await unzip(again.rawPayload);
    expect([entries.get('files/1'), entries.get('files/2')]).toContainEqual(NOTES);
    expect([entries.get('files/1'), entries.get('files/2')]).toContainEqual(SCRIPT);

    const second = await importFile(owner, archive);
    expect(second.statusCode).toBe(201);
    expect(second.json().gpt.id).not.toBe(report.gpt.id);
  });

  it('imports a newer file into an existing GPT as a new version, keeping secrets for the same host', async () => {
    const gpt = await richGpt(owner);
    const exported = await unzip((await exportGpt(owner, gpt.id)).rawPayload);
    const config = JSON.parse(exported.get('gpt.json')!.toString());
    const newer = await zipOf([
      ['manifest.json', exported.get('manifest.json')!],
      ['gpt.json', JSON.stringify({ ...config, instructions: 'Answer in one sentence.' })],
      ['actions.json', exported.get('actions.json')!],
      ['files/1', exported.get('files/1')!],
      ['files/2', exported.get('files/2')!],
    ]);
    const response = await importFile(owner, newer, gpt.id);
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({
      created: false,
      gpt: { id: gpt.id, version: 3, instructions: 'Answer in one sentence.' },
      secretsToSet: [],
      files: [],
    });
    expect(report.actions.every((action: { replaced: boolean }) => action.replaced)).toBe(true);
    expect(report.skippedFiles).toHaveLength(2);
    const actions = (
      await registry.app.inject({ method: 'GET', url: `/api/gpts/${gpt.id}/actions`, headers: owner.auth })
    ).json().items;
    expect(actions).toHaveLength(2);
    expect(actions[0].headers).toEqual({ Authorization: '***', Accept: 'application/json' });
  });

  it("answers 404 for importing into another user's GPT, before reading the file", async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const archive = (await exportGpt(owner, gpt.id)).rawPayload;
    const response = await importFile(stranger, archive, gpt.id);
    expect(response.statusCode).toBe(404);
    const unchanged = await registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gpt.id}`,
      headers: owner.auth,
    });
    expect(unchanged.json().version).toBe(1);
  });

  it('takes an export re-zipped with `zip -r`: the directory entry files/ is ignored', async () => {
    const gpt = await createGpt(registry.app, owner.auth, { ...CODE_ASSISTANT, name: 'Re-zipped' });
    await upload(owner, gpt.id, 'notes.md', NOTES);
    const exported = await unzip((await exportGpt(owner, gpt.id)).rawPayload);
    const rezipped = await zipOf([
      ['actions.json', exported.get('actions.json')!],
      ['files/', null],
      ['files/1', exported.get('files/1')!],
      ['gpt.json', exported.get('gpt.json')!],
      ['manifest.json', exported.get('manifest.json')!],
    ]);
    expect([...(await unzip(rezipped)).keys()]).toContain('files/');
    const response = await importFile(owner, rezipped);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      created: true,
      gpt: { name: 'Re-zipped' },
      files: [{ originalName: 'notes.md', size: NOTES.length, status: 'queued' }],
    });
  });

  it('imports the same file into one GPT many times at once: one action of each name, one copy of each file', async () => {
    const source = await createGpt(registry.app, owner.auth, { ...CODE_ASSISTANT, name: 'Weather source' });
    await upload(owner, source.id, 'notes.md', NOTES);
    const created = await registry.app.inject({
      method: 'POST',
      url: `/api/gpts/${source.id}/actions`,
      headers: owner.auth,
      payload: {
        name: 'Weather',
        url: 'https://api.weather.example/v1/current?q={{location}}',
        headers: { Authorization: 'Bearer s3cr3t-value' },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const archive = (await exportGpt(owner, source.id)).rawPayload;
    const target = await createGpt(registry.app, owner.auth, { ...CODE_ASSISTANT, name: 'Weather target' });

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => importFile(owner, archive, target.id)),
    );
    for (const response of responses) expect(response.statusCode, response.body).toBe(200);
    const reports = responses.map((response) => response.json());
    // One import added the action and the file; every other one replaced the action and skipped the file.
    expect(reports.filter((report) => report.files.length === 1)).toHaveLength(1);
    expect(reports.filter((report) => report.skippedFiles.length === 1)).toHaveLength(9);
    const added = reports.flatMap((report) =>
      report.actions.filter((action: { replaced: boolean }) => !action.replaced),
    );
    expect(added).toHaveLength(1);

    const actions = (
      await registry.app.inject({ method: 'GET', url: `/api/gpts/${target.id}/actions`, headers: owner.auth })
    ).json().items;
    expect(actions).toMatchObject([{ name: 'Weather', toolName: 'weather' }]);
    const files = (
      await registry.app.inject({ method: 'GET', url: `/api/gpts/${target.id}/files`, headers: owner.auth })
    ).json().items;
    expect(files).toMatchObject([{ originalName: 'notes.md', sha256: sha256(NOTES) }]);
    // The blobs of the copies skipped under the lock are gone: storage holds the one file only.
    const keys: string[] = [];
    for await (const key of registry.app.storage.list(`${owner.user.id}/${target.id}/`)) keys.push(key);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toContain(files[0].id);
  });

  it('replaces each action of the same name once: the rest are new and count against the quota', async () => {
    const gpt = await createGpt(registry.app, owner.auth, { ...CODE_ASSISTANT, name: 'Twin actions' });
    for (const path of ['current', 'forecast']) {
      const created = await registry.app.inject({
        method: 'POST',
        url: `/api/gpts/${gpt.id}/actions`,
        headers: owner.auth,
        payload: { name: 'Weather', url: `https://api.weather.example/v1/${path}` },
      });
      expect(created.statusCode, created.body).toBe(201);
    }
    const listActions = async () =>
      (
        await registry.app.inject({ method: 'GET', url: `/api/gpts/${gpt.id}/actions`, headers: owner.auth })
      ).json().items as Array<{ name: string; url: string }>;

    // Its own export, imported back: both actions replaced, none added.
    const archive = (await exportGpt(owner, gpt.id)).rawPayload;
    const again = await importFile(owner, archive, gpt.id);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().actions).toMatchObject([{ replaced: true }, { replaced: true }]);
    expect((await listActions()).map((action) => action.url)).toEqual([
      'https://api.weather.example/v1/current',
      'https://api.weather.example/v1/forecast',
    ]);

    // 51 actions of that name replace two and add 49: past QUOTA_ACTIONS_PER_GPT (50), all refused.
    const exported = await unzip(archive);
    const [weather] = JSON.parse(exported.get('actions.json')!.toString()).items;
    const many = await zipOf([
      ['manifest.json', exported.get('manifest.json')!],
      ['gpt.json', exported.get('gpt.json')!],
      ['actions.json', JSON.stringify({ items: Array.from({ length: 51 }, () => weather) })],
    ]);
    const refused = await importFile(owner, many, gpt.id);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error.code).toBe('QUOTA_EXCEEDED');
    expect(await listActions()).toHaveLength(2);
  });

  describe('refuses a bad archive with a clear 4xx and stores nothing', () => {
    let good: Map<string, Buffer>;
    beforeAll(async () => {
      const gpt = await createGpt(registry.app, owner.auth, { ...CODE_ASSISTANT, name: 'Small one' });
      await upload(owner, gpt.id, 'notes.md', NOTES);
      good = await unzip((await exportGpt(owner, gpt.id)).rawPayload);
    });
    const entries = () => [...good.entries()] as Array<[string, Buffer | string]>;
    const manifest = () => JSON.parse(good.get('manifest.json')!.toString());

    async function expectRefused(bytes: Buffer, status: number, code: string, words: RegExp) {
      const before = await gptCount();
      const response = await importFile(owner, bytes);
      expect(response.statusCode, response.body).toBe(status);
      expect(response.json().error.code).toBe(code);
      expect(response.json().error.message).toMatch(words);
      expect(await gptCount()).toBe(before);
    }
    async function gptCount() {
      const list = await registry.app.inject({
        method: 'GET',
        url: '/api/gpts?limit=100',
        headers: owner.auth,
      });
      return list.json().items.length as number;
    }

    it('not a zip', () => expectRefused(Buffer.from('hello'), 400, 'INVALID_ARCHIVE', /not a zip/));

    it('an unknown format version', async () => {
      const future = entries().map(([name, content]): [string, Buffer | string] =>
        name === 'manifest.json'
          ? [name, JSON.stringify({ ...manifest(), formatVersion: 99 })]
          : [name, content],
      );
      await expectRefused(
        await zipOf(future),
        400,
        'UNSUPPORTED_FORMAT_VERSION',
        /version 99.*up to version 1/,
      );
    });

    it('a path that leaves the archive, or any entry outside the layout', async () => {
      for (const name of ['../evil.txt', 'files/../../etc/passwd', '/abs', 'files/1/../x', 'extra.json']) {
        const bytes = await zipWithRawName(entries(), name);
        const response = await importFile(owner, bytes);
        expect(response.statusCode, name).toBe(400);
        expect(response.json().error.code).toBe('INVALID_ARCHIVE');
      }
    });

    it('a directory entry other than files/, or files/ holding bytes', async () => {
      for (const name of ['other/', 'files/1/', 'files/sub/', 'manifest.json/', 'gpt/']) {
        const bytes = await zipOf([[name, null], ...entries()]);
        const response = await importFile(owner, bytes);
        expect(response.statusCode, name).toBe(400);
        expect(response.json().error).toMatchObject({
          code: 'INVALID_ARCHIVE',
          message: expect.stringContaining(`unexpected entry "${name}"`),
        });
      }
      await expectRefused(
        await zipWithRawName(entries(), 'files/'),
        400,
        'INVALID_ARCHIVE',
        /unexpected entry "files\/"/,
      );
    });

    it('a zip bomb: an entry that unpacks past MAX_FILE_SIZE', async () => {
      const bomb = Buffer.alloc(10 * 1024 * 1024); // 10 MiB of zeros compress to about 10 KiB
      const bytes = await zipOf([...entries().filter(([name]) => name !== 'files/1'), ['files/1', bomb]]);
      expect(bytes.length).toBeLessThan(64 * 1024);
      await expectRefused(bytes, 413, 'ARCHIVE_TOO_LARGE', /unpacks to more than/);
    });

    it('a file that does not match the manifest, or a manifest naming a missing file', async () => {
      const swapped = entries().map(([name, content]): [string, Buffer | string] =>
        name === 'files/1' ? [name, 'other content'] : [name, content],
      );
      await expectRefused(await zipOf(swapped), 400, 'INVALID_ARCHIVE', /does not match/);
      const missing = entries().filter(([name]) => name !== 'files/1');
      await expectRefused(await zipOf(missing), 400, 'INVALID_ARCHIVE', /lacks/);
    });

    it('a configuration that breaks the schema, or an unknown model', async () => {
      const config = JSON.parse(good.get('gpt.json')!.toString());
      const broken = entries().map(([name, content]): [string, Buffer | string] =>
        name === 'gpt.json' ? [name, JSON.stringify({ ...config, name: '' })] : [name, content],
      );
      await expectRefused(await zipOf(broken), 400, 'INVALID_ARCHIVE', /gpt\.json at \/name/);
      const unknownModel = entries().map(([name, content]): [string, Buffer | string] =>
        name === 'gpt.json'
          ? [name, JSON.stringify({ ...config, modelId: 'no-such-model' })]
          : [name, content],
      );
      await expectRefused(await zipOf(unknownModel), 400, 'UNKNOWN_MODEL', /no-such-model/);
      const controlName = entries().map(([name, content]): [string, Buffer | string] =>
        name === 'gpt.json' ? [name, JSON.stringify({ ...config, name: 'Two\nlines' })] : [name, content],
      );
      await expectRefused(await zipOf(controlName), 400, 'INVALID_NAME', /may not hold control characters/);
    });

    it('a GPT file under another field name, or two files', async () => {
      const bytes = await zipOf(entries());
      const refusals = [
        [[{ field: 'archive', filename: 'gpt.chatty.zip', bytes }], 'UNEXPECTED_FILE_FIELD', /field "file"/],
        [
          [
            { field: 'file', filename: 'gpt.chatty.zip', bytes },
            { field: 'file', filename: 'more.chatty.zip', bytes },
          ],
          'TOO_MANY_FILES',
          /one file per request/,
        ],
      ] as const;
      for (const [parts, code, words] of refusals) {
        const before = await gptCount();
        const { payload, headers } = multipartBody([...parts]);
        const response = await registry.app.inject({
          method: 'POST',
          url: '/api/gpts/import',
          headers: { ...owner.auth, ...headers },
          payload,
        });
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json().error).toMatchObject({ code, message: expect.stringMatching(words) });
        expect(await gptCount()).toBe(before);
      }
    });

    it('no file at all', async () => {
      const response = await registry.app.inject({
        method: 'POST',
        url: '/api/gpts/import',
        headers: owner.auth,
        payload: {},
      });
      expect(response.statusCode).toBe(400);
    });
  });
});
