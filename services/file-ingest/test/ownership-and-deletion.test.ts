import { listKeys } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepBlobDeletions } from '../../gpt-registry/src/files/blob-deletion.js';
import { createGpt, type Stack, search, signUp, startStack, upload, waitUntilDone } from './harness.js';

describe('ownership and deletion', () => {
  let stack: Stack;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let stranger: Awaited<ReturnType<typeof signUp>>;
  let gptId: string;
  let fileId: string;

  beforeAll(async () => {
    stack = await startStack();
    owner = await signUp(stack.registry.app);
    stranger = await signUp(stack.registry.app);
    gptId = (await createGpt(stack.registry.app, owner.auth)).id;
    const response = await upload(
      stack,
      owner.auth,
      gptId,
      'secret.txt',
      Buffer.from('The platypus plan is secret.'),
    );
    fileId = response.json().id;
    await waitUntilDone(stack, owner.auth, fileId);
  });
  afterAll(() => stack?.close());

  it("answers 404 on every files route for another user's GPT or file, and changes nothing", async () => {
    const app = stack.registry.app;
    const attempts = [
      await upload(stack, stranger.auth, gptId, 'intruder.txt', Buffer.from('hello')),
      await app.inject({ method: 'GET', url: `/api/gpts/${gptId}/files`, headers: stranger.auth }),
      await app.inject({ method: 'GET', url: `/api/gpts/files/${fileId}`, headers: stranger.auth }),
      await app.inject({ method: 'GET', url: `/api/gpts/files/${fileId}/text`, headers: stranger.auth }),
      await app.inject({ method: 'DELETE', url: `/api/gpts/files/${fileId}`, headers: stranger.auth }),
      await app.inject({
        method: 'PATCH',
        url: `/api/gpts/files/${fileId}`,
        headers: stranger.auth,
        payload: { isActive: false },
      }),
    ];
    for (const response of attempts) {
      expect(response.statusCode, response.body).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
    const list = await app.inject({ method: 'GET', url: `/api/gpts/${gptId}/files`, headers: owner.auth });
    expect(
      list.json().items.map((file: { id: string; isActive: boolean }) => [file.id, file.isActive]),
    ).toEqual([[fileId, true]]);
  });

  it('turns a file off and on for its owner only, and refuses a body that is not {isActive: boolean}', async () => {
    const app = stack.registry.app;
    const patch = (payload: unknown) =>
      app.inject({
        method: 'PATCH',
        url: `/api/gpts/files/${fileId}`,
        headers: owner.auth,
        payload: payload as object,
      });
    for (const bad of [{}, { isActive: 'false' }, { isActive: null }]) {
      const refused = await patch(bad);
      expect(refused.statusCode, JSON.stringify(bad)).toBe(400);
      expect(refused.json().error.code).toBe('VALIDATION_ERROR');
    }
    const off = await patch({ isActive: false });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ id: fileId, isActive: false, status: 'ready' });
    expect((await search(stack, { gptId, query: 'platypus', budgetTokens: 1000 })).chunks).toEqual([]);
    // Off, it is still stored and readable.
    const text = await app.inject({
      method: 'GET',
      url: `/api/gpts/files/${fileId}/text`,
      headers: owner.auth,
    });
    expect(text.body).toContain('platypus');
    expect((await patch({ isActive: true })).json().isActive).toBe(true);
    expect((await search(stack, { gptId, query: 'platypus', budgetTokens: 1000 })).chunks).toHaveLength(1);
  });

  it('answers 401 without credentials and 404 for unknown ids', async () => {
    const app = stack.registry.app;
    expect((await app.inject({ method: 'GET', url: `/api/gpts/${gptId}/files` })).statusCode).toBe(401);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(
      (await app.inject({ method: 'GET', url: `/api/gpts/files/${missing}`, headers: owner.auth }))
        .statusCode,
    ).toBe(404);
    expect((await upload(stack, owner.auth, missing, 'a.txt', Buffer.from('a'))).statusCode).toBe(404);
    expect(
      (await app.inject({ method: 'GET', url: '/api/gpts/files/not-a-uuid', headers: owner.auth }))
        .statusCode,
    ).toBe(400);
  });

  it('deletes a file: its blob, its text and its chunks, at once', async () => {
    const prefix = `${owner.user.id}/${gptId}/${fileId}/`;
    expect(await listKeys(stack.registry.s3.store, prefix)).toEqual([
      `${prefix}original`,
      `${prefix}text.txt`,
    ]);
    expect((await search(stack, { gptId, query: 'platypus', budgetTokens: 1 })).chunks).toEqual([]);
    expect((await search(stack, { gptId, query: 'platypus', budgetTokens: 1000 })).chunks).toHaveLength(1);

    const response = await stack.registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/files/${fileId}`,
      headers: owner.auth,
    });
    expect(response.statusCode).toBe(204);
    expect(await listKeys(stack.registry.s3.store, prefix)).toEqual([]);
    expect((await search(stack, { gptId, query: 'platypus', budgetTokens: 1000 })).chunks).toEqual([]);
    const again = await stack.registry.app.inject({
      method: 'GET',
      url: `/api/gpts/files/${fileId}`,
      headers: owner.auth,
    });
    expect(again.statusCode).toBe(404);
  });

  it("deletes a GPT's files with it; objects left by a storage outage are removed by the sweeper", async () => {
    const gpt = (await createGpt(stack.registry.app, owner.auth)).id;
    const file = (
      await upload(stack, owner.auth, gpt, 'doomed.txt', Buffer.from('The quokka smiles.'))
    ).json();
    await waitUntilDone(stack, owner.auth, file.id);
    const prefix = `${owner.user.id}/${gpt}/`;
    expect(await listKeys(stack.registry.s3.store, prefix)).toHaveLength(2);

    await stack.registry.s3.stop();
    const response = await stack.registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/${gpt}`,
      headers: owner.auth,
    });
    expect(response.statusCode).toBe(204);
    const db = stack.registry.app.db;
    expect(await db.selectFrom('gpt_file').select('id').where('id', '=', file.id).execute()).toEqual([]);
    expect(await db.selectFrom('blob_deletion').select('prefix').execute()).toEqual([{ prefix }]);

    await stack.registry.s3.restart();
    expect(await listKeys(stack.registry.s3.store, prefix)).toHaveLength(2);
    expect(await sweepBlobDeletions(db, stack.registry.s3.store, stack.registry.app.log)).toBe(1);
    expect(await listKeys(stack.registry.s3.store, prefix)).toEqual([]);
    expect(await db.selectFrom('blob_deletion').select('prefix').execute()).toEqual([]);
    expect((await search(stack, { gptId: gpt, query: 'quokka', budgetTokens: 1000 })).chunks).toEqual([]);
  });

  it('answers 503 with Retry-After, not 500, when object storage is down', async () => {
    const gpt = (await createGpt(stack.registry.app, owner.auth)).id;
    const file = (await upload(stack, owner.auth, gpt, 'stored.txt', Buffer.from('The wombat digs.'))).json();
    await waitUntilDone(stack, owner.auth, file.id);
    await stack.registry.s3.stop();
    try {
      const response = await stack.registry.app.inject({
        method: 'GET',
        url: `/api/gpts/files/${file.id}/text`,
        headers: owner.auth,
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(response.headers['retry-after']).toBeDefined();
    } finally {
      await stack.registry.s3.restart();
    }
  });
});
