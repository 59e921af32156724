import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { teamSteps, type User } from './team-steps.js';

/*
 * GPTs shared with someone come a page at a time, newest first, as their own GPTs do: Ada shares five
 * GPTs with Bob by name (they work together in Ada's team) and one with the team.
 */
let registry: RegistryHarness;
let ada: User;
let bob: User;
let carol: User;
const created: string[] = [];

const { call, workspace, bringIn } = teamSteps(() => registry);

beforeAll(async () => {
  registry = await startRegistry();
  ada = await signUp(registry.app);
  bob = await signUp(registry.app);
  carol = await signUp(registry.app);
  const team = await workspace(ada, "Ada's team");
  await bringIn(ada, team, bob);
  for (let index = 0; index < 6; index++) {
    const gpt = await createGpt(registry.app, ada.auth, { name: `Helper ${index}`, modelId: 'phi3' });
    const grantee = index === 5 ? { workspaceId: team } : { email: bob.email };
    const shared = await call(ada, 'POST', `/api/gpts/${gpt.id}/shares`, { ...grantee, permission: 'chat' });
    expect(shared.statusCode, shared.body).toBe(201);
    created.push(gpt.id);
  }
});
afterAll(() => registry.close());

describe('GET /api/gpts/shared', () => {
  it('pages through every GPT shared with the caller once, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = `?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await call(bob, 'GET', `/api/gpts/shared${query}`);
      expect(page.statusCode, page.body).toBe(200);
      seen.push(...page.json().items.map((gpt: { id: string; access: string }) => gpt.id));
      cursor = page.json().nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual([...created].reverse());
  });

  it('goes on after the GPT a page ended at is deleted', async () => {
    const first = (await call(bob, 'GET', '/api/gpts/shared?limit=2')).json();
    const endedAt = first.items[1].id as string;
    expect((await call(ada, 'DELETE', `/api/gpts/${endedAt}`)).statusCode).toBe(204);
    const next = await call(
      bob,
      'GET',
      `/api/gpts/shared?limit=10&cursor=${encodeURIComponent(first.nextCursor)}`,
    );
    expect(next.json().items.map((gpt: { id: string }) => gpt.id)).toEqual(created.slice(0, 4).reverse());
  });

  it('shows nothing of it to someone it is not shared with, and refuses a cursor it did not issue', async () => {
    expect((await call(carol, 'GET', '/api/gpts/shared')).json()).toEqual({ items: [] });
    const bad = await call(bob, 'GET', '/api/gpts/shared?cursor=abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_CURSOR');
    expect((await call(bob, 'GET', '/api/gpts/shared?limit=101')).statusCode).toBe(400);
  });
});
