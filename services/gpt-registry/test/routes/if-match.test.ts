import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';

/*
 * PUT /api/gpts/:id with If-Match (RFC 9110 §13.1.1): `*` or a list of the GPT's ETags, true when the
 * current version is any of them; compared strongly, so a weak tag never matches.
 */
let registry: RegistryHarness;
let owner: Awaited<ReturnType<typeof signUp>>;
beforeAll(async () => {
  registry = await startRegistry();
  owner = await signUp(registry.app);
});
afterAll(() => registry.close());

const put = (id: string, ifMatch: string, body: object = { description: `at ${Math.random()}` }) =>
  registry.app.inject({
    method: 'PUT',
    url: `/api/gpts/${id}`,
    headers: { ...owner.auth, 'if-match': ifMatch },
    payload: body,
  });

const versionOf = async (id: string) =>
  (await registry.app.inject({ method: 'GET', url: `/api/gpts/${id}`, headers: owner.auth })).json()
    .version as number;

/** A GPT at version 3. */
async function gptAtVersion3() {
  const { id } = await createGpt(registry.app, owner.auth, { name: 'Listed', modelId: 'phi3' });
  for (const description of ['two', 'three'])
    await registry.app.inject({
      method: 'PUT',
      url: `/api/gpts/${id}`,
      headers: owner.auth,
      payload: { description },
    });
  expect(await versionOf(id)).toBe(3);
  return id;
}

describe('If-Match on PUT /api/gpts/:id', () => {
  it('applies the update when the current version is any of a list', async () => {
    const id = await gptAtVersion3();
    for (const [ifMatch, after] of [
      ['"2", "3"', 4],
      ['"4","9"', 5],
      ['"1", , "5" ,', 6], // empty members are allowed in a list
      ['W/"6", "6"', 7], // the strong tag matches
      ['*', 8],
    ] as const) {
      const response = await put(id, ifMatch);
      expect(response.statusCode, `${ifMatch}: ${response.body}`).toBe(200);
      expect(response.headers.etag).toBe(`"${after}"`);
    }
  });

  it('answers 409 VERSION_CONFLICT when none of the list matches, with the current version, and changes nothing', async () => {
    const id = await gptAtVersion3();
    for (const ifMatch of ['"1", "2"', '"4", "5", "6"', 'W/"3", "2"']) {
      const response = await put(id, ifMatch);
      expect(response.statusCode, ifMatch).toBe(409);
      expect(response.json().error.code).toBe('VERSION_CONFLICT');
      expect(response.headers.etag).toBe('"3"');
    }
    expect(await versionOf(id)).toBe(3);
  });

  it('refuses a malformed list with 400 INVALID_IF_MATCH and changes nothing', async () => {
    const id = await gptAtVersion3();
    for (const ifMatch of [
      '"3" "4"', // no comma between members
      '"3", nonsense',
      '*, "3"', // * stands alone
      '"3", "abc"', // no ETag of a GPT
      '"3,4"', // one tag holding a comma
      '"3', // unterminated
      '',
      'W/"3"', // weak alone: it could never match
      'W/"3", W/"4"',
    ]) {
      const response = await put(id, ifMatch);
      expect(response.statusCode, ifMatch).toBe(400);
      expect(response.json()).toEqual({
        error: { code: 'INVALID_IF_MATCH', message: expect.any(String) },
      });
    }
    expect(await versionOf(id)).toBe(3);
  });

  it('takes the body’s version with it: it must be among those listed', async () => {
    const id = await gptAtVersion3();
    const apart = await put(id, '"2", "3"', { description: 'x', version: 4 });
    expect(apart.statusCode).toBe(400);
    expect(apart.json().error.code).toBe('INVALID_IF_MATCH');
    const stale = await put(id, '"2", "3"', { description: 'x', version: 2 });
    expect(stale.statusCode).toBe(409);
    const current = await put(id, '"2", "3"', { description: 'x', version: 3 });
    expect(current.statusCode, current.body).toBe(200);
    expect(current.headers.etag).toBe('"4"');
  });
});
