import { encodeCursor } from '@chatty/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { teamSteps, type User } from './team-steps.js';

/*
 * A workspace's catalogue and an entry's reviews come a page at a time (`?limit=`, `?cursor=`,
 * `nextCursor`), newest first, by keyset: paging through yields every entry once, in the order of the
 * whole list, with the search and category filters too. Ada owns "Team", where Bob and others are;
 * Ada and Bob publish seven GPTs, some at the very same moment (the GPT id breaks the tie).
 */
let registry: RegistryHarness;
let ada: User;
let bob: User;
let team: string;
const published: Array<{ id: string; name: string; category: string; owner: User }> = [];

const { call, workspace, bringIn } = teamSteps(() => registry);

interface Page {
  items: Array<{ gptId?: string; userId?: string; name: string }>;
  nextCursor?: string;
}

/** Every page of `url` with `limit` (each full but the last, which alone has no nextCursor). */
async function pageThrough(user: User, url: string, limit: number) {
  const pages: Page[] = [];
  let cursor: string | undefined;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const response = await call(
      user,
      'GET',
      `${url}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json() as Page;
    pages.push(page);
    cursor = page.nextCursor;
    expect(pages.length).toBeLessThan(50);
  } while (cursor);
  for (const page of pages.slice(0, -1)) expect(page.items).toHaveLength(limit);
  return pages.flatMap((page) => page.items);
}

const whole = async (user: User, url: string) => {
  const response = await call(user, 'GET', url);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json().nextCursor).toBeUndefined();
  return response.json().items as Page['items'];
};

const catalogueUrl = (query = '') => `/api/workspaces/${team}/catalogue${query}`;

beforeAll(async () => {
  registry = await startRegistry();
  ada = await signUp(registry.app);
  bob = await signUp(registry.app);
  team = await workspace(ada, 'Team');
  await bringIn(ada, team, bob);
  const entries: Array<[User, string, string]> = [
    [ada, 'Release notes', 'Writing'],
    [bob, 'Code review', 'Coding'],
    [ada, 'Meeting notes', 'Writing'],
    [ada, 'SQL helper', 'Coding'],
    [bob, 'Notes to slides', 'Writing'],
    [bob, 'Test writer', 'Coding'],
    [ada, 'Travel planner', 'Travel'],
  ];
  for (const [owner, name, category] of entries) {
    const gpt = await createGpt(registry.app, owner.auth, { name, modelId: 'phi3' });
    const response = await call(owner, 'POST', `/api/gpts/${gpt.id}/publish`, {
      workspaceId: team,
      category,
    });
    expect(response.statusCode, response.body).toBe(200);
    published.push({ id: gpt.id, name, category, owner });
  }
  // Four of them published at the very same moment, to the microsecond: a page may end among them.
  const sameMoment = new Date('2026-01-02T03:04:05.123456Z');
  await registry.app.db
    .updateTable('catalogue_entry')
    .set({ published_at: sameMoment })
    .where(
      'gpt_id',
      'in',
      published.slice(1, 5).map((entry) => entry.id),
    )
    .execute();
});
afterAll(() => registry.close());

/** The expected order: newest publication first, then the GPT id, descending. */
async function newestFirst(ids: string[]) {
  const rows = await registry.app.db
    .selectFrom('catalogue_entry')
    .select(['gpt_id', 'published_at'])
    .where('workspace_id', '=', team)
    .where('gpt_id', 'in', ids)
    .orderBy('published_at', 'desc')
    .orderBy('gpt_id', 'desc')
    .execute();
  return rows.map((row) => row.gpt_id);
}

describe('paging through a catalogue', () => {
  it('yields every entry once, newest first, as the whole list has them', async () => {
    const all = await whole(bob, catalogueUrl());
    const expected = await newestFirst(published.map((entry) => entry.id));
    expect(all.map((item) => item.gptId)).toEqual(expected);
    for (const limit of [1, 2, 3, 7]) {
      const paged = await pageThrough(bob, catalogueUrl(), limit);
      expect(paged.map((item) => item.gptId)).toEqual(expected);
    }
    // Seven entries, pages of seven: one page, no nextCursor.
    expect((await call(bob, 'GET', catalogueUrl('?limit=7'))).json().nextCursor).toBeUndefined();
  });

  it('keeps the search and the category filter on every page', async () => {
    const notes = await pageThrough(bob, catalogueUrl('?q=notes'), 2);
    expect(notes.map((item) => item.name).sort()).toEqual([
      'Meeting notes',
      'Notes to slides',
      'Release notes',
    ]);
    expect(notes.map((item) => item.gptId)).toEqual(
      (await whole(bob, catalogueUrl('?q=notes'))).map((item) => item.gptId),
    );
    const coding = await pageThrough(bob, catalogueUrl('?category=coding'), 2);
    expect(coding.map((item) => item.gptId)).toEqual(
      await newestFirst(published.filter((entry) => entry.category === 'Coding').map((entry) => entry.id)),
    );
    const both = await pageThrough(bob, catalogueUrl('?q=notes&category=Writing'), 2);
    expect(both).toHaveLength(3);
  });

  it('goes on after the entry it ended at is unpublished', async () => {
    const first = (await call(bob, 'GET', catalogueUrl('?limit=3'))).json() as Page;
    const rest = await whole(bob, catalogueUrl());
    const lastShown = first.items.at(-1)!.gptId!;
    const { owner, category } = published.find((entry) => entry.id === lastShown)!;
    expect((await call(owner, 'DELETE', `/api/gpts/${lastShown}/publish/${team}`)).statusCode).toBe(204);
    const next = (
      await call(bob, 'GET', catalogueUrl(`?limit=100&cursor=${encodeURIComponent(first.nextCursor!)}`))
    ).json() as Page;
    expect(next.items.map((item) => item.gptId)).toEqual(rest.slice(3).map((item) => item.gptId));
    await call(owner, 'POST', `/api/gpts/${lastShown}/publish`, { workspaceId: team, category });
  });

  it('is 50 a page unless told, up to 100', async () => {
    const carol = await signUp(registry.app);
    const big = await workspace(carol, 'Big team');
    for (let n = 0; n < 51; n++) {
      const gpt = await createGpt(registry.app, carol.auth, { name: `GPT ${n}`, modelId: 'phi3' });
      await call(carol, 'POST', `/api/gpts/${gpt.id}/publish`, { workspaceId: big });
    }
    const first = (await call(carol, 'GET', `/api/workspaces/${big}/catalogue`)).json() as Page;
    expect(first.items).toHaveLength(50);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (
      await call(
        carol,
        'GET',
        `/api/workspaces/${big}/catalogue?cursor=${encodeURIComponent(first.nextCursor!)}`,
      )
    ).json() as Page;
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeUndefined();
    expect(
      (await call(carol, 'GET', `/api/workspaces/${big}/catalogue?limit=100`)).json().items,
    ).toHaveLength(51);
  });

  it.each([
    ['limit=0', 'limit=0'],
    ['limit=101', 'limit=101'],
    ['a limit that is not a number', 'limit=many'],
  ])('refuses %s with 400', async (_label, query) => {
    const response = await call(bob, 'GET', catalogueUrl(`?${query}`));
    expect(response.statusCode, response.body).toBe(400);
  });

  it.each([
    ['not a cursor', 'nope'],
    ['values of another kind', encodeCursor(['yesterday', 'someone'])],
    [
      'a date that does not exist',
      encodeCursor(['2026-02-30T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000']),
    ],
  ])('refuses a cursor that is %s with 400 INVALID_CURSOR', async (_label, cursor) => {
    const response = await call(bob, 'GET', catalogueUrl(`?cursor=${encodeURIComponent(cursor)}`));
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toBe('INVALID_CURSOR');
  });

  it('answers 404 to someone outside the workspace, with a cursor too', async () => {
    const stranger = await signUp(registry.app);
    const first = (await call(bob, 'GET', catalogueUrl('?limit=2'))).json() as Page;
    for (const url of [catalogueUrl(), catalogueUrl(`?cursor=${encodeURIComponent(first.nextCursor!)}`)]) {
      const response = await call(stranger, 'GET', url);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
  });
});

describe("paging through an entry's reviews", () => {
  it('yields every review once, the latest first, as the whole list has them', async () => {
    const entry = published[0]!;
    const reviewsUrl = `/api/workspaces/${team}/catalogue/${entry.id}/reviews`;
    const reviewers = [bob];
    for (let n = 0; n < 4; n++) {
      const member = await signUp(registry.app);
      await bringIn(ada, team, member);
      reviewers.push(member);
    }
    for (const [n, reviewer] of reviewers.entries()) {
      const response = await call(reviewer, 'PUT', `/api/workspaces/${team}/catalogue/${entry.id}/review`, {
        rating: (n % 5) + 1,
        review: `Review ${n}`,
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    // Three written at the very same moment.
    await registry.app.db
      .updateTable('catalogue_review')
      .set({ updated_at: new Date('2026-01-02T03:04:05.123456Z') })
      .where('gpt_id', '=', entry.id)
      .where(
        'user_id',
        'in',
        reviewers.slice(1, 4).map((reviewer) => reviewer.user.id),
      )
      .execute();
    const all = await whole(bob, reviewsUrl);
    expect(all.map((review) => review.userId).sort()).toEqual(
      reviewers.map((reviewer) => reviewer.user.id).sort(),
    );
    for (const limit of [1, 2, 4]) {
      expect((await pageThrough(bob, reviewsUrl, limit)).map((review) => review.userId)).toEqual(
        all.map((review) => review.userId),
      );
    }
    const bad = await call(bob, 'GET', `${reviewsUrl}?cursor=nope`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_CURSOR');
    const stranger = await signUp(registry.app);
    expect((await call(stranger, 'GET', reviewsUrl)).statusCode).toBe(404);
  });
});
