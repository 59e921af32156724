import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_ASSISTANT, createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { multipartFile } from '../images.js';
import { unzip, zipOf } from './portable-archive.js';

/*
 * The portable file for someone a GPT is shared with. Knowledge files and actions are the owner's alone
 * (their routes answer 404 to everyone else), so the file gives "can edit" what they may change and no
 * more: their export is the configuration (with the avatar) only, and importing into the GPT applies a
 * configuration only: an archive carrying actions or files is 403. "Can chat" may do neither (403, as
 * for every change the access rules refuse them), and anyone else learns nothing (404).
 */
type User = Awaited<ReturnType<typeof signUp>>;
let registry: RegistryHarness;
let owner: User;
let editor: User;
let chatter: User;
let outsider: User;

const NOTES = Buffer.from('# Release notes\n\nVersion 2 adds the export of GPTs.\n');
const FAQ = Buffer.from('# FAQ\n\nEditors may import a newer file.\n');

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = (user: User, method: Method, url: string, payload?: object) =>
  registry.app.inject({ method, url, headers: user.auth, ...(payload && { payload }) });

async function ok(user: User, method: Method, url: string, payload?: object) {
  const response = await call(user, method, url, payload);
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json();
}

const exportGpt = (user: User, gptId: string) => call(user, 'GET', `/api/gpts/${gptId}/export`);

function importFile(user: User, bytes: Buffer, into?: string) {
  const file = multipartFile('gpt.chatty.zip', 'application/zip', bytes);
  return registry.app.inject({
    method: 'POST',
    url: `/api/gpts/import${into ? `?into=${into}` : ''}`,
    headers: { ...user.auth, ...file.headers },
    payload: file.payload,
  });
}

/** The owner's GPT with a knowledge file and an action holding a secret header, shared with the others. */
async function sharedGpt() {
  const gpt = await createGpt(registry.app, owner.auth, CODE_ASSISTANT);
  const file = multipartFile('notes.md', 'text/markdown', NOTES);
  const uploaded = await registry.app.inject({
    method: 'POST',
    url: `/api/gpts/${gpt.id}/files`,
    headers: { ...owner.auth, ...file.headers },
    payload: file.payload,
  });
  expect(uploaded.statusCode, uploaded.body).toBe(202);
  await ok(owner, 'POST', `/api/gpts/${gpt.id}/actions`, {
    name: 'Get Weather',
    url: 'https://api.weather.example/v1/current?q={{location}}',
    headers: { Authorization: 'Bearer s3cr3t-value', Accept: 'application/json' },
  });
  await ok(owner, 'POST', `/api/gpts/${gpt.id}/shares`, { email: editor.email, permission: 'edit' });
  await ok(owner, 'POST', `/api/gpts/${gpt.id}/shares`, { email: chatter.email, permission: 'chat' });
  return gpt;
}

beforeAll(async () => {
  registry = await startRegistry();
  [owner, editor, chatter, outsider] = [
    await signUp(registry.app),
    await signUp(registry.app),
    await signUp(registry.app),
    await signUp(registry.app),
  ];
  // Sharing by email reaches the people of the owner's workspaces.
  const team = (await ok(owner, 'POST', '/api/workspaces', { name: 'Team' })).id;
  for (const member of [editor, chatter]) {
    const invitation = await ok(owner, 'POST', `/api/workspaces/${team}/invitations`, {
      email: member.email,
    });
    await ok(member, 'POST', `/api/invitations/${invitation.token}/accept`);
  }
});
afterAll(() => registry?.close());

describe('the portable file of a shared GPT', () => {
  it('an editor exports the configuration only: no knowledge file, no action, none in the manifest', async () => {
    const gpt = await sharedGpt();
    // The routes an editor is refused: the export must not hand over what they hide.
    expect((await call(editor, 'GET', `/api/gpts/${gpt.id}/files`)).statusCode).toBe(404);
    expect((await call(editor, 'GET', `/api/gpts/${gpt.id}/actions`)).statusCode).toBe(404);

    const response = await exportGpt(editor, gpt.id);
    expect(response.statusCode, response.body).toBe(200);
    const entries = await unzip(response.rawPayload);
    expect([...entries.keys()].sort()).toEqual(['gpt.json', 'manifest.json']);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    expect(manifest).toMatchObject({ gpt: { id: gpt.id, version: 1 }, files: [], secretsToSet: [] });
    const config = JSON.parse(entries.get('gpt.json')!.toString());
    expect(config).toMatchObject({ name: 'Code Assistant', instructions: CODE_ASSISTANT.instructions });
    expect(config.avatar).toMatch(/^data:image\//);
    for (const hidden of [
      'Release notes',
      'api.weather.example',
      'Get Weather',
      'notes.md',
      's3cr3t-value',
    ]) {
      expect(response.rawPayload.includes(hidden), hidden).toBe(false);
    }

    // The owner's export of the same GPT is whole.
    const whole = await unzip((await exportGpt(owner, gpt.id)).rawPayload);
    expect([...whole.keys()].sort()).toEqual(['actions.json', 'files/1', 'gpt.json', 'manifest.json']);
    expect(whole.get('files/1')).toEqual(NOTES);
  });

  it("an editor's import into the GPT that carries actions or files is 403, and nothing is stored", async () => {
    const gpt = await sharedGpt();
    const full = await unzip((await exportGpt(owner, gpt.id)).rawPayload);
    const manifest = JSON.parse(full.get('manifest.json')!.toString());
    const config = JSON.parse(full.get('gpt.json')!.toString());
    const action = JSON.parse(full.get('actions.json')!.toString()).items[0];
    const newConfig = JSON.stringify({ ...config, instructions: 'Answer in one sentence.' });
    const noFiles = JSON.stringify({ ...manifest, files: [] });
    const archives = {
      // The owner's whole file, as exported.
      whole: await zipOf([...full.entries()]),
      // The same action sent to another path of the same origin: its stored secret would follow.
      'an action': await zipOf([
        ['manifest.json', noFiles],
        ['gpt.json', newConfig],
        [
          'actions.json',
          JSON.stringify({
            items: [{ ...action, url: 'https://api.weather.example/v1/collect?q={{location}}' }],
          }),
        ],
      ]),
      'a knowledge file': await zipOf([
        [
          'manifest.json',
          JSON.stringify({
            ...manifest,
            files: [{ entry: 'files/1', originalName: 'faq.md', size: FAQ.length, sha256: sha256(FAQ) }],
          }),
        ],
        ['gpt.json', newConfig],
        ['files/1', FAQ],
      ]),
    };
    const ownerUsageBefore = (await ok(owner, 'GET', '/api/usage')).fileBytes.used;
    for (const [what, bytes] of Object.entries(archives)) {
      const response = await importFile(editor, bytes, gpt.id);
      expect(response.statusCode, what).toBe(403);
      expect(response.json().error).toMatchObject({
        code: 'NOT_ALLOWED',
        message: expect.stringMatching(/knowledge files and actions.*owner/i),
      });
    }

    // Nothing changed: the version, the action (its URL and secret), the files, the owner's storage.
    expect((await ok(owner, 'GET', `/api/gpts/${gpt.id}`)).version).toBe(1);
    expect((await ok(owner, 'GET', `/api/gpts/${gpt.id}/versions`)).items).toHaveLength(1);
    expect((await ok(owner, 'GET', `/api/gpts/${gpt.id}/actions`)).items).toMatchObject([
      {
        name: 'Get Weather',
        url: 'https://api.weather.example/v1/current?q={{location}}',
        headers: { Authorization: '***', Accept: 'application/json' },
      },
    ]);
    expect((await ok(owner, 'GET', `/api/gpts/${gpt.id}/files`)).items).toMatchObject([
      { originalName: 'notes.md' },
    ]);
    expect((await ok(owner, 'GET', '/api/usage')).fileBytes.used).toBe(ownerUsageBefore);
    const keys: string[] = [];
    for await (const key of registry.app.storage.list(`${owner.user.id}/${gpt.id}/`)) keys.push(key);
    const [file] = (await ok(owner, 'GET', `/api/gpts/${gpt.id}/files`)).items;
    for (const key of keys) expect(key).toContain(file.id);
  });

  it('can chat is 403 and anyone else 404, for export and for import into it; the GPT stays as it was', async () => {
    const gpt = await sharedGpt();
    const archive = (await exportGpt(owner, gpt.id)).rawPayload;
    const chatterExport = await exportGpt(chatter, gpt.id);
    expect(chatterExport.statusCode).toBe(403);
    expect(chatterExport.json().error.code).toBe('NOT_ALLOWED');
    expect((await exportGpt(outsider, gpt.id)).statusCode).toBe(404);

    const chatterImport = await importFile(chatter, archive, gpt.id);
    expect(chatterImport.statusCode).toBe(403);
    expect(chatterImport.json().error.code).toBe('NOT_ALLOWED');
    expect((await importFile(outsider, archive, gpt.id)).statusCode).toBe(404);
    expect((await ok(owner, 'GET', `/api/gpts/${gpt.id}`)).version).toBe(1);
    expect((await ok(owner, 'GET', `/api/gpts/${gpt.id}/versions`)).items).toHaveLength(1);

    // A share taken away takes export away with it.
    const shares = (await ok(owner, 'GET', `/api/gpts/${gpt.id}/shares`)).items;
    const editorShare = shares.find((share: { user?: { id: string } }) => share.user?.id === editor.user.id);
    await call(owner, 'DELETE', `/api/gpts/${gpt.id}/shares/${editorShare.id}`);
    expect((await exportGpt(editor, gpt.id)).statusCode).toBe(404);
  });

  it('round-trips for an editor: their export imports as a GPT of their own, and back into the shared GPT as their version', async () => {
    const gpt = await sharedGpt();
    const exported = await unzip((await exportGpt(editor, gpt.id)).rawPayload);

    // Imported as a new GPT, it is the editor's: the configuration, no files, no actions.
    const copy = await importFile(editor, await zipOf([...exported.entries()]));
    expect(copy.statusCode, copy.body).toBe(201);
    expect(copy.json()).toMatchObject({
      created: true,
      gpt: { userId: editor.user.id, name: 'Code Assistant' },
      actions: [],
      files: [],
      secretsToSet: [],
    });

    // A newer configuration into the shared GPT: a version the editor authors; the owner's files and
    // actions stay as they were, the action's secret with it.
    const config = JSON.parse(exported.get('gpt.json')!.toString());
    const newer = await zipOf([
      ['manifest.json', exported.get('manifest.json')!],
      ['gpt.json', JSON.stringify({ ...config, instructions: 'Answer in one sentence.' })],
      // An empty actions.json carries no action: it is a configuration only.
      ['actions.json', JSON.stringify({ items: [] })],
    ]);
    const ownerUsageBefore = (await ok(owner, 'GET', '/api/usage')).fileBytes.used;
    const response = await importFile(editor, newer, gpt.id);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      created: false,
      gpt: { id: gpt.id, userId: owner.user.id, version: 2, instructions: 'Answer in one sentence.' },
      actions: [],
      files: [],
      skippedFiles: [],
      secretsToSet: [],
    });
    const versions = (await ok(owner, 'GET', `/api/gpts/${gpt.id}/versions`)).items;
    expect(versions[0]).toMatchObject({ version: 2, author: { id: editor.user.id } });
    expect(versions[1]).toMatchObject({ version: 1, author: { id: owner.user.id } });
    expect((await ok(owner, 'GET', '/api/usage')).fileBytes.used).toBe(ownerUsageBefore);
    expect((await ok(owner, 'GET', `/api/gpts/${gpt.id}/actions`)).items).toMatchObject([
      { name: 'Get Weather', headers: { Authorization: '***', Accept: 'application/json' } },
    ]);

    // The owner's export holds the new configuration with the owner's file and action.
    const again = await unzip((await exportGpt(owner, gpt.id)).rawPayload);
    expect(JSON.parse(again.get('gpt.json')!.toString()).instructions).toBe('Answer in one sentence.');
    expect(again.get('files/1')).toEqual(NOTES);
    expect(JSON.parse(again.get('actions.json')!.toString()).items).toMatchObject([{ name: 'Get Weather' }]);
  });

  it("the owner's import into their shared GPT still brings actions and files", async () => {
    const gpt = await sharedGpt();
    const full = await unzip((await exportGpt(owner, gpt.id)).rawPayload);
    const manifest = JSON.parse(full.get('manifest.json')!.toString());
    const newer = await zipOf([
      [
        'manifest.json',
        JSON.stringify({
          ...manifest,
          files: [
            ...manifest.files,
            { entry: 'files/2', originalName: 'faq.md', size: FAQ.length, sha256: sha256(FAQ) },
          ],
        }),
      ],
      ['gpt.json', full.get('gpt.json')!],
      ['actions.json', full.get('actions.json')!],
      ['files/1', full.get('files/1')!],
      ['files/2', FAQ],
    ]);
    const response = await importFile(owner, newer, gpt.id);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      actions: [{ name: 'Get Weather', replaced: true }],
      files: [{ originalName: 'faq.md' }],
      skippedFiles: [{ originalName: 'notes.md' }],
      secretsToSet: [],
    });
  });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
