import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { teamSteps, type User } from './team-steps.js';

/*
 * A workspace's members come a page at a time in the order they joined, the owner first: Ada's team
 * has Ada and five people she brought in, one after another.
 */
let registry: RegistryHarness;
let ada: User;
let team: string;
const joined: User[] = [];

const { call, workspace, bringIn } = teamSteps(() => registry);

const page = (user: User, query: string) => call(user, 'GET', `/api/workspaces/${team}/members${query}`);
const ids = (response: { json(): { items: Array<{ userId: string }> } }) =>
  response.json().items.map((member) => member.userId);

beforeAll(async () => {
  registry = await startRegistry();
  ada = await signUp(registry.app);
  team = await workspace(ada, "Ada's team");
  joined.push(ada);
  for (let index = 0; index < 5; index++) {
    const user = await signUp(registry.app);
    await bringIn(ada, team, user);
    joined.push(user);
  }
});
afterAll(() => registry.close());

describe('GET /api/workspaces/:id/members', () => {
  it('pages through every member once, in the order they joined, for any member', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await page(
        joined[3]!,
        `?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(response.statusCode, response.body).toBe(200);
      seen.push(...ids(response));
      cursor = response.json().nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(joined.map((user) => user.user.id));
    const all = await page(ada, '');
    expect(ids(all)).toEqual(seen);
    expect(all.json().nextCursor).toBeUndefined();
    expect(all.json().items[0].role).toBe('owner');
  });

  it('goes on after the member a page ended at has left', async () => {
    const first = (await page(ada, '?limit=3')).json();
    const endedAt = first.items[2].userId as string;
    expect(endedAt).toBe(joined[2]!.user.id);
    expect((await call(ada, 'DELETE', `/api/workspaces/${team}/members/${endedAt}`)).statusCode).toBe(204);
    const next = await page(ada, `?limit=10&cursor=${encodeURIComponent(first.nextCursor)}`);
    expect(ids(next)).toEqual(joined.slice(3).map((user) => user.user.id));
  });

  it('refuses a cursor it did not issue and a limit out of range, and is 404 to someone outside', async () => {
    expect((await page(ada, '?cursor=nonsense')).json().error.code).toBe('INVALID_CURSOR');
    expect((await page(ada, '?limit=0')).statusCode).toBe(400);
    expect((await page(ada, '?limit=201')).statusCode).toBe(400);
    const outsider = await signUp(registry.app);
    expect((await page(outsider, '')).statusCode).toBe(404);
  });
});
