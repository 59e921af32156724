import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { PNG_1X1 } from '../images.js';

let registry: RegistryHarness;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry.close());

/**
 * A real PNG (the 1×1 one) carrying a private chunk of random bytes, so it is `bytes` long, passes the
 * avatar check by content, and does not compress: the worst case for storing it again and again.
 */
function pngOf(bytes: number): string {
  const head = PNG_1X1.subarray(0, 33); // signature + IHDR
  const filler = Buffer.alloc(12 + bytes - PNG_1X1.length);
  filler.writeUInt32BE(filler.length - 12, 0);
  filler.write('prVt', 4, 'latin1');
  randomBytes(filler.length - 12).copy(filler, 8);
  return `data:image/png;base64,${Buffer.concat([head, filler, PNG_1X1.subarray(33)]).toString('base64')}`;
}

/** Bytes on disk of the tables a GPT and its versions live in, indexes and TOAST included. */
async function storedBytes(): Promise<number> {
  const { rows } = await sql<{ bytes: string }>`
    select sum(pg_total_relation_size(c.oid))::bigint as bytes from pg_class c
    where c.relkind = 'r' and c.relname in ('gpt', 'gpt_version', 'gpt_avatar')`.execute(registry.app.db);
  return Number(rows[0]!.bytes);
}

describe('avatars in version snapshots', () => {
  it('stores an unchanged 200 KB avatar once across 50 versions, and every version still returns it', async () => {
    const user = await signUp(registry.app);
    const avatar = pngOf(200 * 1024);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Painter', modelId: 'phi3', avatar });
    const before = await storedBytes();
    for (let i = 1; i <= 50; i++) {
      const response = await registry.app.inject({
        method: 'PUT',
        url: `/api/gpts/${gpt.id}`,
        headers: user.auth,
        payload: { description: `revision ${i}` },
      });
      expect(response.statusCode).toBe(200);
    }
    const grown = (await storedBytes()) - before;
    // Printed for the record: the figure the change is about.
    process.stdout.write(
      `50 versions with a 200 KB avatar grew gpt + gpt_version + gpt_avatar by ${grown} bytes\n`,
    );
    // Less than one more copy of the avatar, where 50 copies (10 MB of data URLs) went before.
    expect(grown).toBeLessThan(200 * 1024);

    for (let version = 1; version <= 51; version++) {
      const response = await registry.app.inject({
        method: 'GET',
        url: `/api/gpts/${gpt.id}/versions/${version}`,
        headers: user.auth,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().gpt).toMatchObject({ version, avatar });
    }
  }, 60_000);
});

describe('GET /api/gpts/:id/versions', () => {
  it('pages newest first with limit and cursor, and the last page has no nextCursor', async () => {
    const user = await signUp(registry.app);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Pager', modelId: 'phi3' });
    for (let i = 1; i <= 6; i++) {
      await registry.app.inject({
        method: 'PUT',
        url: `/api/gpts/${gpt.id}`,
        headers: user.auth,
        payload: { description: `d${i}` },
      });
    }
    const pages: number[][] = [];
    let url = `/api/gpts/${gpt.id}/versions?limit=3`;
    for (;;) {
      const page = (await registry.app.inject({ method: 'GET', url, headers: user.auth })).json();
      pages.push(page.items.map((item: { version: number }) => item.version));
      if (!page.nextCursor) break;
      url = `/api/gpts/${gpt.id}/versions?limit=3&cursor=${page.nextCursor}`;
    }
    expect(pages).toEqual([[7, 6, 5], [4, 3, 2], [1]]);

    const first = (
      await registry.app.inject({ method: 'GET', url: `/api/gpts/${gpt.id}/versions`, headers: user.auth })
    ).json();
    expect(first.nextCursor).toBeUndefined();
    expect(first.items[0]).toEqual({
      version: 7,
      createdAt: expect.any(String),
      name: 'Pager',
      description: 'd6',
      modelId: 'phi3',
      author: { id: user.user.id, name: 'Test User', email: user.email },
    });
  });

  it('defaults to 20 a page', async () => {
    const user = await signUp(registry.app);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Many', modelId: 'phi3' });
    for (let i = 1; i <= 21; i++) {
      await registry.app.inject({
        method: 'PUT',
        url: `/api/gpts/${gpt.id}`,
        headers: user.auth,
        payload: { description: `d${i}` },
      });
    }
    const page = (
      await registry.app.inject({ method: 'GET', url: `/api/gpts/${gpt.id}/versions`, headers: user.auth })
    ).json();
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).toBe('3');
  });

  it.each([
    ['limit=0', 'VALIDATION_ERROR'],
    ['limit=101', 'VALIDATION_ERROR'],
    ['cursor=abc', 'INVALID_CURSOR'],
    ['cursor=0', 'INVALID_CURSOR'],
    ['cursor=', 'INVALID_CURSOR'],
    ['cursor=2147483648', 'INVALID_CURSOR'],
  ])('answers 400 for %s: %s', async (query, code) => {
    const user = await signUp(registry.app);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Bad', modelId: 'phi3' });
    const response = await registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gpt.id}/versions?${query}`,
      headers: user.auth,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
  });

  it('reads a version number past the newest as a place to go on from, not a cursor to refuse', async () => {
    const user = await signUp(registry.app);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Short', modelId: 'phi3' });
    const response = await registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gpt.id}/versions?cursor=99`,
      headers: user.auth,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().items.map((item: { version: number }) => item.version)).toEqual([1]);
  });
});

describe('GET /api/gpts/:id/versions/:version', () => {
  it('returns each version with the avatar it had, storing each distinct avatar once', async () => {
    const user = await signUp(registry.app);
    const a = pngOf(4096);
    const b = pngOf(4096);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Faces', modelId: 'phi3', avatar: a });
    for (const avatar of [b, a]) {
      await registry.app.inject({
        method: 'PUT',
        url: `/api/gpts/${gpt.id}`,
        headers: user.auth,
        payload: { avatar },
      });
    }
    const avatars: string[] = [];
    for (const version of [1, 2, 3]) {
      const response = await registry.app.inject({
        method: 'GET',
        url: `/api/gpts/${gpt.id}/versions/${version}`,
        headers: user.auth,
      });
      avatars.push(response.json().gpt.avatar);
    }
    expect(avatars).toEqual([a, b, a]);
    const stored = await registry.app.db
      .selectFrom('gpt_avatar')
      .select('sha256')
      .where('gpt_id', '=', gpt.id)
      .execute();
    expect(stored).toHaveLength(2);
  });

  it('answers 404 for a version that does not exist, and the avatars go with a deleted GPT', async () => {
    const user = await signUp(registry.app);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Gone', modelId: 'phi3' });
    const missing = await registry.app.inject({
      method: 'GET',
      url: `/api/gpts/${gpt.id}/versions/2`,
      headers: user.auth,
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toEqual({ code: 'NOT_FOUND', message: 'Version not found' });

    await registry.app.inject({ method: 'DELETE', url: `/api/gpts/${gpt.id}`, headers: user.auth });
    const left = await registry.app.db
      .selectFrom('gpt_avatar')
      .select('sha256')
      .where('gpt_id', '=', gpt.id)
      .execute();
    expect(left).toEqual([]);
  });
});
