import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealSecrets } from '../../src/actions/secret-headers.js';
import { type ActionStack, startActionStack } from '../actions/action-stack.js';
import { CODE_ASSISTANT, createGpt, signUp } from '../harness.js';
import { multipartFile } from '../images.js';
import { unzip, zipOf } from './portable-archive.js';

/*
 * Credential-like parameters (`?key=…`) are action secrets like secret headers: the export writes them
 * as `***` and names them in `secretsToSet`; an import into the GPT keeps their stored values while
 * the origin stays the same; an import that cannot keep one leaves it out (never sending `***`) and
 * names it as a secret to set again. Checked by running the actions against a loopback target.
 */
const KEY = 'MYAPIKEYVALUE999';
const BEARER = 'Bearer hdr-secret-4d2f8a';
let stack: ActionStack;
let owner: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  stack = await startActionStack();
  owner = await signUp(stack.registry.app);
});
afterAll(() => stack?.close());

const app = () => stack.registry.app;

/** A GPT with one action whose `key` parameter and Authorization header are secrets. */
async function weatherGpt(name: string) {
  const gpt = await createGpt(app(), owner.auth, { ...CODE_ASSISTANT, name });
  const created = await app().inject({
    method: 'POST',
    url: `/api/gpts/${gpt.id}/actions`,
    headers: owner.auth,
    payload: {
      name: 'Weather',
      url: `${stack.target.url}/weather`,
      headers: { Authorization: BEARER, Accept: 'application/json' },
      parameters: { key: KEY, q: '{{location}}' },
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  return { gpt, actionId: created.json().id as string };
}

async function exported(gptId: string) {
  const response = await app().inject({
    method: 'GET',
    url: `/api/gpts/${gptId}/export`,
    headers: owner.auth,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.rawPayload;
}

function importFile(bytes: Buffer, into?: string) {
  const file = multipartFile('gpt.chatty.zip', 'application/zip', bytes);
  return app().inject({
    method: 'POST',
    url: `/api/gpts/import${into ? `?into=${into}` : ''}`,
    headers: { ...owner.auth, ...file.headers },
    payload: file.payload,
  });
}

async function actionsOf(gptId: string) {
  const response = await app().inject({
    method: 'GET',
    url: `/api/gpts/${gptId}/actions`,
    headers: owner.auth,
  });
  return response.json().items as Array<{
    id: string;
    name: string;
    url: string;
    headers: Record<string, string>;
    parameters: Record<string, string>;
  }>;
}

/** Runs the action and returns what the target received. */
async function run(actionId: string) {
  const before = stack.target.received.length;
  const response = await app().inject({
    method: 'POST',
    url: `/api/gpts/actions/${actionId}/execute`,
    headers: owner.auth,
    payload: { arguments: { location: 'Oslo' } },
  });
  expect(response.statusCode, response.body).toBe(200);
  expect(stack.target.received.length).toBe(before + 1);
  const received = stack.target.received.at(-1)!;
  return { query: new URL(received.url, 'http://x').searchParams, headers: received.headers };
}

/** The archive with its actions.json changed. */
async function withActions(archive: Buffer, change: (items: Array<Record<string, unknown>>) => unknown[]) {
  const entries = await unzip(archive);
  const items = JSON.parse(entries.get('actions.json')!.toString()).items;
  return zipOf([
    ['manifest.json', entries.get('manifest.json')!],
    ['gpt.json', entries.get('gpt.json')!],
    ['actions.json', JSON.stringify({ items: change(items) })],
  ]);
}

const storedSecrets = (actionId: string) =>
  app()
    .db.selectFrom('gpt_action')
    .select(['secret_headers', 'secret_parameters'])
    .where('id', '=', actionId)
    .executeTakeFirstOrThrow();

describe('secret parameters in the portable file', () => {
  it('are exported as *** and named in the manifest, apart from secret headers', async () => {
    const { gpt } = await weatherGpt('Weather export');
    const archive = await exported(gpt.id);
    expect(archive.includes(KEY)).toBe(false);
    const entries = await unzip(archive);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    expect(manifest.secretsToSet).toEqual([
      { action: 'Weather', header: 'Authorization' },
      { action: 'Weather', parameter: 'key' },
    ]);
    const [action] = JSON.parse(entries.get('actions.json')!.toString()).items;
    expect(action.parameters).toEqual({ key: '***', q: '{{location}}' });
  });

  it('are kept by an import into the same GPT: the action still sends the stored value', async () => {
    const { gpt, actionId } = await weatherGpt('Weather round trip');
    const before = await run(actionId);
    expect(before.query.get('key')).toBe(KEY);

    const response = await importFile(await exported(gpt.id), gpt.id);
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report.actions).toMatchObject([{ name: 'Weather', replaced: true }]);
    expect(report.secretsToSet).toEqual([]);

    const [action] = await actionsOf(gpt.id);
    expect(action!.parameters).toEqual({ key: '***', q: '{{location}}' });
    const after = await run(action!.id);
    expect(after.query.get('key')).toBe(KEY);
    expect(after.query.get('q')).toBe('Oslo');
    expect(after.headers.authorization).toBe(BEARER);
  });

  it('are named in secretsToSet by a plain import, and left out of the request until set again', async () => {
    const { gpt } = await weatherGpt('Weather copy');
    const response = await importFile(await exported(gpt.id));
    expect(response.statusCode, response.body).toBe(201);
    const report = response.json();
    const actionId = report.actions[0].id;
    expect(report.secretsToSet).toEqual([
      { action: 'Weather', header: 'Authorization', actionId },
      { action: 'Weather', parameter: 'key', actionId },
    ]);

    const [action] = await actionsOf(report.gpt.id);
    expect(action!.parameters).toEqual({ q: '{{location}}' });
    expect(action!.headers).toEqual({ Accept: 'application/json' });
    expect(await storedSecrets(actionId)).toEqual({ secret_headers: null, secret_parameters: null });
    // Neither the placeholder `***` nor anything else is sent for the secrets nobody set.
    const sent = await run(actionId);
    expect(sent.query.has('key')).toBe(false);
    expect(sent.query.get('q')).toBe('Oslo');
    expect(sent.headers.authorization).toBeUndefined();

    // Set again through the API (`***` keeps what is there), the action sends it.
    const set = await app().inject({
      method: 'PUT',
      url: `/api/gpts/actions/${actionId}`,
      headers: owner.auth,
      payload: { parameters: { key: 'NEWKEYVALUE123', q: '{{location}}' } },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect((await run(actionId)).query.get('key')).toBe('NEWKEYVALUE123');
  });

  it('follow a replaced action to a new path of the same origin, never to another origin', async () => {
    const { gpt, actionId } = await weatherGpt('Weather moved');
    const archive = await exported(gpt.id);

    const newPath = await withActions(archive, (items) =>
      items.map((item) => ({ ...item, url: `${stack.target.url}/v2/weather` })),
    );
    const samePlace = await importFile(newPath, gpt.id);
    expect(samePlace.statusCode, samePlace.body).toBe(200);
    expect(samePlace.json().secretsToSet).toEqual([]);
    const [moved] = await actionsOf(gpt.id);
    expect(moved!.id).not.toBe(actionId);
    const sent = await run(moved!.id);
    expect(sent.query.get('key')).toBe(KEY);
    expect(sent.headers.authorization).toBe(BEARER);

    const target = new URL(stack.target.url);
    const otherOrigin = `http://localhost:${target.port}/weather`;
    const elsewhere = await withActions(archive, (items) =>
      items.map((item) => ({ ...item, url: otherOrigin })),
    );
    const response = await importFile(elsewhere, gpt.id);
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report.actions).toMatchObject([{ name: 'Weather', replaced: true }]);
    const replacedId = report.actions[0].id;
    expect(report.secretsToSet).toEqual([
      { action: 'Weather', header: 'Authorization', actionId: replacedId },
      { action: 'Weather', parameter: 'key', actionId: replacedId },
    ]);
    const [action] = await actionsOf(gpt.id);
    expect(action).toMatchObject({ url: otherOrigin, parameters: { q: '{{location}}' } });
    expect(await storedSecrets(replacedId)).toEqual({ secret_headers: null, secret_parameters: null });
  });

  it('a stored *** (no secret) is not kept as one: it is left out and named', async () => {
    const gpt = await createGpt(app(), owner.auth, { ...CODE_ASSISTANT, name: 'Weather unset' });
    // What an import left before secret parameters were merged: the placeholder itself, sealed. (A new
    // action may no longer be created so: it is sealed here as the old import did.)
    const url = `${stack.target.url}/weather`;
    const created = await app().inject({
      method: 'POST',
      url: `/api/gpts/${gpt.id}/actions`,
      headers: owner.auth,
      payload: { name: 'Weather', url, parameters: { key: 'to-be-replaced', q: '{{location}}' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    await app()
      .db.updateTable('gpt_action')
      .set({ secret_parameters: sealSecrets(app().actionKey, { key: '***' }, { id, url }) })
      .where('id', '=', id)
      .execute();
    const response = await importFile(await exported(gpt.id), gpt.id);
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report.secretsToSet).toEqual([
      { action: 'Weather', parameter: 'key', actionId: report.actions[0].id },
    ]);
    const sent = await run(report.actions[0].id);
    expect(sent.query.has('key')).toBe(false);
  });
});
