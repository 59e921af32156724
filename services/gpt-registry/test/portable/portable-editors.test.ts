import { createHash } from 'node:crypto';
import { originalKey } from '@chatty/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_ASSISTANT, createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { multipartFile } from '../images.js';
import { unzip, zipOf } from './portable-archive.js';

/*
 * The portable file for someone a GPT is shared with: "can edit" exports it and imports a newer file
 * into it (a new version they author; what it adds is the owner's), "can chat" may do neither (403, as
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
  it('an editor exports it, with its files and actions and no secret', async () => {
    const gpt = await sharedGpt();
    const response = await exportGpt(editor, gpt.id);
    expect(response.statusCode, response.body).toBe(200);
    const entries = await unzip(response.rawPayload);
    expect(entries.get('files/1')).toEqual(NOTES);
    const actions = JSON.parse(entries.get('actions.json')!.toString()).items;
    expect(actions).toMatchObject([{ name: 'Get Weather', headers: { Authorization: '***' } }]);
    expect(response.rawPayload.includes('s3cr3t-value')).toBe(false);
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

  it('round-trips for an editor: a copy of their own, then a newer file into the shared GPT as their version', async () => {
    const gpt = await sharedGpt();
    const exported = await unzip((await exportGpt(editor, gpt.id)).rawPayload);

    // Imported as a new GPT, it is the editor's, with the files and actions (the secret to set again).
    const copy = await importFile(editor, await zipOf([...exported.entries()]));
    expect(copy.statusCode, copy.body).toBe(201);
    const copied = copy.json();
    expect(copied).toMatchObject({ created: true, gpt: { userId: editor.user.id, name: 'Code Assistant' } });
    expect(copied.secretsToSet).toMatchObject([{ action: 'Get Weather', header: 'Authorization' }]);
    expect((await ok(editor, 'GET', `/api/gpts/${copied.gpt.id}/files`)).items).toMatchObject([
      { originalName: 'notes.md', size: NOTES.length },
    ]);
    expect((await ok(editor, 'GET', `/api/gpts/${copied.gpt.id}/actions`)).items).toMatchObject([
      { name: 'Get Weather', headers: { Accept: 'application/json' } },
    ]);

    // A newer file into the shared GPT: new instructions, the same action, one more knowledge file.
    const manifest = JSON.parse(exported.get('manifest.json')!.toString());
    const config = JSON.parse(exported.get('gpt.json')!.toString());
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
      ['gpt.json', JSON.stringify({ ...config, instructions: 'Answer in one sentence.' })],
      ['actions.json', exported.get('actions.json')!],
      ['files/1', exported.get('files/1')!],
      ['files/2', FAQ],
    ]);
    const ownerUsageBefore = (await ok(owner, 'GET', '/api/usage')).fileBytes.used;
    const editorUsageBefore = (await ok(editor, 'GET', '/api/usage')).fileBytes.used;
    const response = await importFile(editor, newer, gpt.id);
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({
      created: false,
      gpt: { id: gpt.id, userId: owner.user.id, version: 2, instructions: 'Answer in one sentence.' },
      actions: [{ name: 'Get Weather', replaced: true }],
      files: [{ originalName: 'faq.md', size: FAQ.length, status: 'queued' }],
      skippedFiles: [{ originalName: 'notes.md' }],
      // The owner's secret stays with the action (same origin); the editor never saw it.
      secretsToSet: [],
    });

    // The version is the editor's; what was added is the owner's: their storage, their quota.
    const versions = (await ok(owner, 'GET', `/api/gpts/${gpt.id}/versions`)).items;
    expect(versions[0]).toMatchObject({ version: 2, author: { id: editor.user.id } });
    expect(versions[1]).toMatchObject({ version: 1, author: { id: owner.user.id } });
    const added = report.files[0].id as string;
    expect(await registry.app.storage.exists(originalKey(owner.user.id, gpt.id, added))).toBe(true);
    expect((await ok(owner, 'GET', '/api/usage')).fileBytes.used).toBe(ownerUsageBefore + FAQ.length);
    expect((await ok(editor, 'GET', '/api/usage')).fileBytes.used).toBe(editorUsageBefore);
    const actions = (await ok(owner, 'GET', `/api/gpts/${gpt.id}/actions`)).items;
    expect(actions).toMatchObject([{ name: 'Get Weather', headers: { Authorization: '***' } }]);

    // The owner's export now holds both files: the round trip closes.
    const again = await unzip((await exportGpt(owner, gpt.id)).rawPayload);
    expect([again.get('files/1'), again.get('files/2')]).toEqual([NOTES, FAQ]);
  });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
