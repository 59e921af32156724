import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_ASSISTANT, createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { PNG_1X1 } from '../images.js';

let registry: RegistryHarness;
let owner: Awaited<ReturnType<typeof signUp>>;
beforeAll(async () => {
  registry = await startRegistry();
  owner = await signUp(registry.app);
});
afterAll(() => registry.close());

const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  registry.app.inject({
    method,
    url,
    headers: owner.auth,
    ...(payload !== undefined && { payload: payload as object }),
  });

describe('POST /api/gpts', () => {
  it("creates the seed's Code Assistant with a generated avatar at version 1", async () => {
    const response = await inject('POST', '/api/gpts', CODE_ASSISTANT);
    expect(response.statusCode).toBe(201);
    const gpt = response.json();
    expect(gpt).toMatchObject({ ...CODE_ASSISTANT, version: 1, isActive: false, userId: owner.user.id });
    expect(gpt.avatar).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(gpt.avatar.split(',')[1], 'base64').toString()).toContain('>CA</text>');
  });

  it("stores an Ollama model named by its `:latest` tag under the catalogue's id", async () => {
    const gpt = (await inject('POST', '/api/gpts', { name: 'Tagged', modelId: 'phi3:latest' })).json();
    expect(gpt.modelId).toBe('phi3');
  });

  it('fills defaults for a minimal body and resolves a model by its models.json key', async () => {
    const gpt = (await inject('POST', '/api/gpts', { name: 'Minimal', modelId: 'coding' })).json();
    expect(gpt).toMatchObject({
      name: 'Minimal',
      description: '',
      instructions: '',
      conversationStarters: [],
      capabilities: { webSearch: false, canvas: false, imageGeneration: false, codeInterpreter: false },
      modelId: 'deepseek-coder',
    });
  });

  it('generates the same avatar for the same name, and different ones for different names', async () => {
    const a = await createGpt(registry.app, owner.auth, { name: 'Twin', modelId: 'phi3' });
    const b = await createGpt(registry.app, owner.auth, { name: 'Twin', modelId: 'mistral' });
    const c = await createGpt(registry.app, owner.auth, { name: 'Other', modelId: 'phi3' });
    expect(a.avatar).toBe(b.avatar);
    expect(c.avatar).not.toBe(a.avatar);
  });

  it('keeps an uploaded PNG data URL', async () => {
    const avatar = `data:image/png;base64,${PNG_1X1.toString('base64')}`;
    const gpt = await createGpt(registry.app, owner.auth, { name: 'Pic', modelId: 'phi3', avatar });
    expect(gpt.avatar).toBe(avatar);
  });

  it.each([
    ['an unknown model', { name: 'X', modelId: 'gpt-17' }, 400, 'UNKNOWN_MODEL'],
    ['a missing model', { name: 'X' }, 400, 'VALIDATION_ERROR'],
    ['a missing name', { modelId: 'phi3' }, 400, 'VALIDATION_ERROR'],
    ['an empty name', { name: '', modelId: 'phi3' }, 400, 'VALIDATION_ERROR'],
    ['a blank name', { name: '   ', modelId: 'phi3' }, 400, 'VALIDATION_ERROR'],
    ['a name of 101 characters', { name: 'n'.repeat(101), modelId: 'phi3' }, 400, 'VALIDATION_ERROR'],
    [
      '11 conversation starters',
      { name: 'X', modelId: 'phi3', conversationStarters: Array(11).fill('hi') },
      400,
      'VALIDATION_ERROR',
    ],
    [
      'instructions over 32k characters',
      { name: 'X', modelId: 'phi3', instructions: 'i'.repeat(32_001) },
      400,
      'VALIDATION_ERROR',
    ],
    [
      'a capability that is not a boolean',
      { name: 'X', modelId: 'phi3', capabilities: { canvas: 'yes please' } },
      400,
      'VALIDATION_ERROR',
    ],
    [
      'an SVG avatar from the client',
      {
        name: 'X',
        modelId: 'phi3',
        avatar: `data:image/svg+xml;base64,${Buffer.from('<svg onload="alert(1)"/>').toString('base64')}`,
      },
      415,
      'UNSUPPORTED_TYPE',
    ],
    ['a name holding U+0000', { name: 'a\u0000b', modelId: 'phi3' }, 400, 'NUL_CHARACTER'],
    ['a name holding a line break', { name: 'Code\nAssistant', modelId: 'phi3' }, 400, 'INVALID_NAME'],
    ['a name holding a tab', { name: 'Code\tAssistant', modelId: 'phi3' }, 400, 'INVALID_NAME'],
    ['a name holding an escape', { name: 'Code \u001b[31mAssistant', modelId: 'phi3' }, 400, 'INVALID_NAME'],
    ['a name holding DEL', { name: 'Code\u007fAssistant', modelId: 'phi3' }, 400, 'INVALID_NAME'],
    [
      'a conversation starter holding a line break',
      { name: 'X', modelId: 'phi3', conversationStarters: ['Fine', 'Two\nlines'] },
      400,
      'INVALID_CONVERSATION_STARTER',
    ],
    [
      'instructions holding U+0000',
      { name: 'X', modelId: 'phi3', instructions: 'Be \u0000 kind' },
      400,
      'NUL_CHARACTER',
    ],
    [
      'an avatar that is not a data URL',
      { name: 'X', modelId: 'phi3', avatar: 'data:image/png;base64,@@@' },
      400,
      'INVALID_AVATAR',
    ],
  ])('refuses %s', async (_label, body, status, code) => {
    const before = (await inject('GET', '/api/gpts?limit=100')).json().items.length;
    const response = await inject('POST', '/api/gpts', body);
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect((await inject('GET', '/api/gpts?limit=100')).json().items.length).toBe(before);
  });

  it('says which field may not hold control characters', async () => {
    const name = await inject('POST', '/api/gpts', { name: 'Bell\u0007', modelId: 'phi3' });
    expect(name.json().error).toEqual({
      code: 'INVALID_NAME',
      message: 'name may not hold control characters or line breaks',
    });
    const starter = await inject('POST', '/api/gpts', {
      name: 'X',
      modelId: 'phi3',
      conversationStarters: ['Fine', 'Tab\there'],
    });
    expect(starter.json().error).toEqual({
      code: 'INVALID_CONVERSATION_STARTER',
      message: 'conversationStarters[1] may not hold control characters or line breaks',
    });
  });

  it('keeps line breaks and tabs in the description and instructions, and trims them off the name', async () => {
    const response = await inject('POST', '/api/gpts', {
      name: '  Multi-line\n',
      modelId: 'phi3',
      description: 'First line\nSecond line',
      instructions: 'Rules:\n\t1. Be brief.\r\n\t2. Be kind.',
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      name: 'Multi-line',
      description: 'First line\nSecond line',
      instructions: 'Rules:\n\t1. Be brief.\r\n\t2. Be kind.',
    });
  });

  it('accepts exactly 100 characters of name, 10 starters and 32k of instructions', async () => {
    const response = await inject('POST', '/api/gpts', {
      name: 'n'.repeat(100),
      modelId: 'phi3',
      conversationStarters: Array(10).fill('hi'),
      instructions: 'i'.repeat(32_000),
    });
    expect(response.statusCode).toBe(201);
  });

  it('answers 400 BAD_JSON for a malformed body', async () => {
    const response = await registry.app.inject({
      method: 'POST',
      url: '/api/gpts',
      headers: { ...owner.auth, 'content-type': 'application/json' },
      payload: '{"name": "Broken"',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('BAD_JSON');
  });
});

describe('GET /api/gpts', () => {
  it('pages through the caller’s GPTs newest first', async () => {
    const user = await signUp(registry.app);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.unshift((await createGpt(registry.app, user.auth, { name: `G${i}`, modelId: 'phi3' })).id);
    const seen: string[] = [];
    let url = '/api/gpts?limit=2';
    for (;;) {
      const page = (await registry.app.inject({ method: 'GET', url, headers: user.auth })).json();
      seen.push(...page.items.map((gpt: { id: string }) => gpt.id));
      if (!page.nextCursor) break;
      url = `/api/gpts?limit=2&cursor=${page.nextCursor}`;
    }
    expect(seen).toEqual(ids);
  });

  /** Every GPT of `user`, `limit` a page, following nextCursor. */
  async function pageThrough(
    user: { auth: Record<string, string> },
    limit: number,
    between?: () => Promise<void>,
  ) {
    const seen: string[] = [];
    let url = `/api/gpts?limit=${limit}`;
    for (;;) {
      const page = (await registry.app.inject({ method: 'GET', url, headers: user.auth })).json();
      seen.push(...page.items.map((gpt: { id: string }) => gpt.id));
      if (!page.nextCursor) return seen;
      await between?.();
      url = `/api/gpts?limit=${limit}&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
  }

  it('goes on after the GPT a cursor ends at is deleted', async () => {
    const user = await signUp(registry.app);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.unshift((await createGpt(registry.app, user.auth, { name: `G${i}`, modelId: 'phi3' })).id);
    let deleted: string | undefined;
    const seen = await pageThrough(user, 2, async () => {
      // Once, between the first page and the second: the first page's last GPT goes.
      if (deleted) return;
      deleted = ids[1]!;
      const response = await registry.app.inject({
        method: 'DELETE',
        url: `/api/gpts/${deleted}`,
        headers: user.auth,
      });
      expect(response.statusCode).toBe(204);
    });
    expect(seen).toEqual(ids);
  });

  it('tells apart GPTs made within the same millisecond', async () => {
    const user = await signUp(registry.app);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await createGpt(registry.app, user.auth, { name: `M${i}`, modelId: 'phi3' })).id);
    // One microsecond apart: a cursor cut to the millisecond would skip the two older ones.
    for (const [i, id] of ids.entries()) {
      await sql`update gpt set created_at = '2030-01-01T00:00:00.000500Z'::timestamptz + ${i} * interval '1 microsecond'
                where id = ${id}`.execute(registry.app.db);
    }
    expect(await pageThrough(user, 1)).toEqual([...ids].reverse());
  });

  it.each([
    ['a word', 'not-a-cursor'],
    ['an empty cursor', ''],
    ['a GPT id (what a cursor once was)', '00000000-0000-4000-8000-000000000000'],
    ['base64 of something else', Buffer.from('{"a":1}').toString('base64url')],
    [
      'a position with a malformed id',
      Buffer.from('["2030-01-01T00:00:00.000000Z","x"]').toString('base64url'),
    ],
    [
      'a 30 February',
      Buffer.from('["2030-02-30T00:00:00.000000Z","00000000-0000-4000-8000-000000000000"]').toString(
        'base64url',
      ),
    ],
  ])('answers 400 INVALID_CURSOR for %s, not an empty page', async (_label, cursor) => {
    const response = await inject('GET', `/api/gpts?cursor=${encodeURIComponent(cursor)}`);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error).toEqual({
      code: 'INVALID_CURSOR',
      message: 'cursor is not one this API issued; start again without it',
    });
  });

  it('answers 400 INVALID_CURSOR for an issued cursor with a character changed', async () => {
    const user = await signUp(registry.app);
    for (let i = 0; i < 2; i++) await createGpt(registry.app, user.auth, { name: `C${i}`, modelId: 'phi3' });
    const { nextCursor } = (
      await registry.app.inject({ method: 'GET', url: '/api/gpts?limit=1', headers: user.auth })
    ).json();
    const response = await registry.app.inject({
      method: 'GET',
      url: `/api/gpts?limit=1&cursor=${encodeURIComponent(`${nextCursor}=`)}`,
      headers: user.auth,
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toBe('INVALID_CURSOR');
  });

  it('answers 400 for a limit out of range', async () => {
    expect((await inject('GET', '/api/gpts?limit=0')).statusCode).toBe(400);
    expect((await inject('GET', '/api/gpts?limit=1000')).statusCode).toBe(400);
  });
});

describe('GET /api/gpts/:id', () => {
  it('returns the GPT, 404 for an unknown id and 400 for a malformed one', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    expect((await inject('GET', `/api/gpts/${gpt.id}`)).json().id).toBe(gpt.id);
    const missing = await inject('GET', '/api/gpts/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    expect((await inject('GET', '/api/gpts/not-a-uuid')).statusCode).toBe(400);
  });
});

describe('POST /api/gpts/:id/copy', () => {
  it('refuses a new name holding a control character, copying nothing', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const before = (await inject('GET', '/api/gpts?limit=100')).json().items.length;
    const response = await inject('POST', `/api/gpts/${gpt.id}/copy`, { name: 'Copy\r\nSet-Cookie: x' });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toBe('INVALID_NAME');
    expect((await inject('GET', '/api/gpts?limit=100')).json().items.length).toBe(before);
  });
});

describe('PUT /api/gpts/:id', () => {
  it('applies a partial body, bumps the version once per change, and records each version', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const first = await inject('PUT', `/api/gpts/${gpt.id}`, {
      description: 'Reviews code',
      capabilities: { webSearch: true },
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      version: 2,
      name: 'Code Assistant',
      description: 'Reviews code',
      capabilities: { webSearch: true, codeInterpreter: true },
    });

    const unchanged = await inject('PUT', `/api/gpts/${gpt.id}`, { description: 'Reviews code' });
    expect(unchanged.json().version).toBe(2);

    await inject('PUT', `/api/gpts/${gpt.id}`, { modelId: 'mistral' });
    const versions = (await inject('GET', `/api/gpts/${gpt.id}/versions`)).json().items;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(versions[2].description).toBe(CODE_ASSISTANT.description);
    expect(versions[1].description).toBe('Reviews code');
    expect(versions[0].modelId).toBe('mistral');
    const original = (await inject('GET', `/api/gpts/${gpt.id}/versions/1`)).json();
    expect(original.gpt).toMatchObject({ ...CODE_ASSISTANT, version: 1, avatar: gpt.avatar });
  });

  it.each([
    ['a name holding a line break', { name: 'Writer\nBot' }, 'INVALID_NAME'],
    [
      'a starter holding a control character',
      { conversationStarters: ['Go\u0008'] },
      'INVALID_CONVERSATION_STARTER',
    ],
  ])('refuses %s, keeping the GPT as it was', async (_label, body, code) => {
    const gpt = await createGpt(registry.app, owner.auth);
    const response = await inject('PUT', `/api/gpts/${gpt.id}`, body);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error).toMatchObject({
      code,
      message: expect.stringContaining('may not hold control characters'),
    });
    expect((await inject('GET', `/api/gpts/${gpt.id}`)).json()).toMatchObject({
      name: CODE_ASSISTANT.name,
      conversationStarters: CODE_ASSISTANT.conversationStarters,
      version: 1,
    });
  });

  it('regenerates a generated avatar when the GPT is renamed', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const renamed = (await inject('PUT', `/api/gpts/${gpt.id}`, { name: 'Writer Bot' })).json();
    expect(renamed.avatar).not.toBe(gpt.avatar);
    expect(Buffer.from(renamed.avatar.split(',')[1], 'base64').toString()).toContain('>WB</text>');
  });

  it('accepts its own generated avatar echoed back', async () => {
    const gpt = (await inject('GET', `/api/gpts/${(await createGpt(registry.app, owner.auth)).id}`)).json();
    const response = await inject('PUT', `/api/gpts/${gpt.id}`, { ...gpt, description: 'echoed' });
    expect(response.statusCode).toBe(200);
    expect(response.json().avatar).toBe(gpt.avatar);
  });

  it('answers 409 VERSION_CONFLICT for a stale version and changes nothing', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    await inject('PUT', `/api/gpts/${gpt.id}`, { description: 'first writer', version: 1 });
    const stale = await inject('PUT', `/api/gpts/${gpt.id}`, { description: 'second writer', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('VERSION_CONFLICT');
    expect((await inject('GET', `/api/gpts/${gpt.id}`)).json()).toMatchObject({
      description: 'first writer',
      version: 2,
    });
  });

  it.each([
    ['an unknown model', { modelId: 'nope' }, 'UNKNOWN_MODEL'],
    ['a name too long', { name: 'x'.repeat(101) }, 'VALIDATION_ERROR'],
    ['too many starters', { conversationStarters: Array(11).fill('a') }, 'VALIDATION_ERROR'],
  ])('refuses %s with 400 and keeps the stored GPT', async (_label, body, code) => {
    const gpt = await createGpt(registry.app, owner.auth);
    const response = await inject('PUT', `/api/gpts/${gpt.id}`, body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    expect((await inject('GET', `/api/gpts/${gpt.id}`)).json()).toMatchObject({
      ...CODE_ASSISTANT,
      version: 1,
    });
  });
});

describe('DELETE /api/gpts/:id', () => {
  it('deletes the GPT with its versions', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    await inject('PUT', `/api/gpts/${gpt.id}`, { name: 'v2' });
    const response = await inject('DELETE', `/api/gpts/${gpt.id}`);
    expect(response.statusCode).toBe(204);
    expect((await inject('GET', `/api/gpts/${gpt.id}`)).statusCode).toBe(404);
    expect((await inject('DELETE', `/api/gpts/${gpt.id}`)).statusCode).toBe(404);
    const versions = await registry.app.db
      .selectFrom('gpt_version')
      .selectAll()
      .where('gpt_id', '=', gpt.id)
      .execute();
    expect(versions).toEqual([]);
  });
});
