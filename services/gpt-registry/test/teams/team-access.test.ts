import { serviceToken } from '@chatty/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry, TEST_SECRET } from '../harness.js';
import { type Method, teamSteps, type User } from './team-steps.js';

/*
 * Three users and two workspaces. Alice owns the GPT and "Team A"; Bob is in Team A; Carol owns
 * "Team B" and is in nothing of Alice's. Every team route is tried by each of them.
 */
let registry: RegistryHarness;
let alice: User;
let bob: User;
let carol: User;
let teamA: string;
let teamB: string;
let gptId: string;
let shareId: string;
let invitationId: string;
const internal = { 'x-service-token': serviceToken(TEST_SECRET, 'gpt-registry') };
const { call, workspace, invite, join } = teamSteps(() => registry);

beforeAll(async () => {
  registry = await startRegistry();
  alice = await signUp(registry.app);
  bob = await signUp(registry.app);
  carol = await signUp(registry.app);
  teamA = await workspace(alice, 'Team A');
  teamB = await workspace(carol, 'Team B');
  await join(bob, (await invite(alice, teamA, bob)).token);
  invitationId = (await invite(alice, teamA, carol)).id; // never accepted
  gptId = (await createGpt(registry.app, alice.auth, { name: 'Handbook', modelId: 'phi3' })).id;
  const shared = await call(alice, 'POST', `/api/gpts/${gptId}/shares`, {
    workspaceId: teamA,
    permission: 'chat',
  });
  expect(shared.statusCode, shared.body).toBe(201);
  shareId = shared.json().id;
  const published = await call(alice, 'POST', `/api/gpts/${gptId}/publish`, { workspaceId: teamA });
  expect(published.statusCode, published.body).toBe(200);
});
afterAll(() => registry.close());

/** Every route of this feature that names the GPT, a workspace, a share, an invitation or a review. */
const routes: Array<[string, Method, () => string, (() => object)?]> = [
  ['GET /api/gpts/:id', 'GET', () => `/api/gpts/${gptId}`],
  ['PUT /api/gpts/:id', 'PUT', () => `/api/gpts/${gptId}`, () => ({ name: 'Hijacked' })],
  ['DELETE /api/gpts/:id', 'DELETE', () => `/api/gpts/${gptId}`],
  ['GET /api/gpts/:id/versions', 'GET', () => `/api/gpts/${gptId}/versions`],
  ['GET /api/gpts/:id/versions/1', 'GET', () => `/api/gpts/${gptId}/versions/1`],
  ['POST /api/gpts/:id/avatar', 'POST', () => `/api/gpts/${gptId}/avatar`],
  ['GET /api/gpts/:id/context', 'GET', () => `/api/gpts/${gptId}/context`],
  ['PUT /api/gpts/:id/context', 'PUT', () => `/api/gpts/${gptId}/context`, () => ({ context: 'x' })],
  ['GET /api/gpts/:id/shares', 'GET', () => `/api/gpts/${gptId}/shares`],
  [
    'POST /api/gpts/:id/shares',
    'POST',
    () => `/api/gpts/${gptId}/shares`,
    () => ({ workspaceId: teamB, permission: 'edit' }),
  ],
  ['DELETE /api/gpts/:id/shares/:shareId', 'DELETE', () => `/api/gpts/${gptId}/shares/${shareId}`],
  ['POST /api/gpts/:id/publish', 'POST', () => `/api/gpts/${gptId}/publish`, () => ({ workspaceId: teamB })],
  ['DELETE /api/gpts/:id/publish/:workspaceId', 'DELETE', () => `/api/gpts/${gptId}/publish/${teamA}`],
  ['GET /api/gpts/:id/publications', 'GET', () => `/api/gpts/${gptId}/publications`],
  ['POST /api/gpts/:id/copy', 'POST', () => `/api/gpts/${gptId}/copy`],
  ['GET /api/workspaces/:id', 'GET', () => `/api/workspaces/${teamA}`],
  ['DELETE /api/workspaces/:id', 'DELETE', () => `/api/workspaces/${teamA}`],
  ['GET /api/workspaces/:id/members', 'GET', () => `/api/workspaces/${teamA}/members`],
  [
    'DELETE /api/workspaces/:id/members/:userId',
    'DELETE',
    () => `/api/workspaces/${teamA}/members/${bob.user.id}`,
  ],
  [
    'PUT /api/workspaces/:id/members/:userId',
    'PUT',
    () => `/api/workspaces/${teamA}/members/${bob.user.id}`,
    () => ({ role: 'admin' }),
  ],
  [
    'POST /api/workspaces/:id/invitations',
    'POST',
    () => `/api/workspaces/${teamA}/invitations`,
    () => ({ email: 'x@example.com' }),
  ],
  ['GET /api/workspaces/:id/invitations', 'GET', () => `/api/workspaces/${teamA}/invitations`],
  [
    'DELETE /api/workspaces/:id/invitations/:invitationId',
    'DELETE',
    () => `/api/workspaces/${teamA}/invitations/${invitationId}`,
  ],
  ['GET /api/workspaces/:id/catalogue', 'GET', () => `/api/workspaces/${teamA}/catalogue`],
  [
    'GET /api/workspaces/:id/catalogue/:gptId/reviews',
    'GET',
    () => `/api/workspaces/${teamA}/catalogue/${gptId}/reviews`,
  ],
  [
    'PUT /api/workspaces/:id/catalogue/:gptId/review',
    'PUT',
    () => `/api/workspaces/${teamA}/catalogue/${gptId}/review`,
    () => ({ rating: 1 }),
  ],
];

/** The state an outsider must not be able to change or see changed. */
async function snapshot() {
  const get = async (url: string) => (await call(alice, 'GET', url)).json();
  return {
    gpt: await get(`/api/gpts/${gptId}`),
    shares: await get(`/api/gpts/${gptId}/shares`),
    members: await get(`/api/workspaces/${teamA}/members`),
    invitations: await get(`/api/workspaces/${teamA}/invitations`),
    catalogue: await get(`/api/workspaces/${teamA}/catalogue`),
    reviews: await get(`/api/workspaces/${teamA}/catalogue/${gptId}/reviews`),
    carolsGpts: (await call(carol, 'GET', '/api/gpts')).json(),
  };
}

describe('a user outside the workspace and without a share (Carol)', () => {
  it.each(routes)('%s answers 404 and changes nothing', async (_label, method, url, payload) => {
    const before = await snapshot();
    const response = await call(carol, method, url(), payload?.());
    expect(response.statusCode, response.body).toBe(404);
    expect(response.json().error.code).toBe('NOT_FOUND');
    expect(await snapshot()).toEqual(before);
  });

  it('does not see it among GPTs shared with her, nor can a chat or an action reach it', async () => {
    expect((await call(carol, 'GET', '/api/gpts/shared')).json().items).toEqual([]);
    const runtime = await call(
      null,
      'GET',
      `/internal/gpts/${gptId}/runtime?userId=${carol.user.id}`,
      undefined,
      internal,
    );
    expect(runtime.statusCode).toBe(404);
    const context = await call(
      null,
      'GET',
      `/internal/gpts/${gptId}/context?userId=${carol.user.id}`,
      undefined,
      internal,
    );
    expect(context.statusCode).toBe(404);
    const counted = await call(
      null,
      'POST',
      `/internal/gpts/${gptId}/conversations`,
      { userId: carol.user.id },
      internal,
    );
    expect(counted.statusCode).toBe(404);
    const action = await call(alice, 'POST', `/api/gpts/${gptId}/actions`, {
      name: 'lookup',
      url: 'https://example.com/lookup',
      method: 'GET',
    });
    expect(action.statusCode, action.body).toBe(201);
    const executed = await call(
      null,
      'POST',
      `/internal/actions/${action.json().id}/execute`,
      { userId: carol.user.id, arguments: {} },
      internal,
    );
    expect(executed.statusCode).toBe(404);
    await call(alice, 'DELETE', `/api/gpts/actions/${action.json().id}`);
  });

  it('cannot be named in a share by email: she works with no one of Alice’s', async () => {
    const response = await call(alice, 'POST', `/api/gpts/${gptId}/shares`, {
      email: carol.email,
      permission: 'chat',
    });
    expect(response.statusCode).toBe(404);
  });

  it('cannot use an invitation meant for someone else', async () => {
    const forBob = await invite(alice, teamA, bob);
    const response = await call(carol, 'POST', `/api/invitations/${forBob.token}/accept`);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('INVITATION_FOR_ANOTHER_EMAIL');
    expect((await call(carol, 'GET', `/api/workspaces/${teamA}`)).statusCode).toBe(404);
  });
});

describe('a member the GPT is shared with as "can chat" (Bob)', () => {
  it('sees and chats with it, keeps his own context, but changes nothing of it', async () => {
    const seen = await call(bob, 'GET', `/api/gpts/${gptId}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ name: 'Handbook', access: 'chat', userId: alice.user.id });
    expect(
      (await call(bob, 'GET', '/api/gpts/shared')).json().items.map((g: { id: string }) => g.id),
    ).toEqual([gptId]);
    expect(
      (await call(bob, 'PUT', `/api/gpts/${gptId}/context`, { context: 'Bob likes tables' })).statusCode,
    ).toBe(200);
    expect((await call(alice, 'GET', `/api/gpts/${gptId}/context`)).json().context).toBe('');
    const runtime = await call(
      null,
      'GET',
      `/internal/gpts/${gptId}/runtime?userId=${bob.user.id}`,
      undefined,
      internal,
    );
    expect(runtime.statusCode).toBe(200);
    // The OpenAI-compatible model list offers it to him too; not to Carol.
    const listed = async (user: User) =>
      (await call(null, 'GET', `/internal/gpts?userId=${user.user.id}`, undefined, internal))
        .json()
        .items.map((gpt: { id: string }) => gpt.id);
    expect(await listed(bob)).toContain(gptId);
    expect(await listed(carol)).not.toContain(gptId);

    for (const [label, method, url, payload] of routes.filter(([label]) =>
      /^(PUT \/api\/gpts\/:id|GET \/api\/gpts\/:id\/versions.*|POST \/api\/gpts\/:id\/avatar|.*shares.*|GET .*publications)$/.test(
        label,
      ),
    )) {
      const response = await call(bob, method, url(), payload?.());
      expect(response.statusCode, label).toBe(403);
    }
    expect((await call(bob, 'DELETE', `/api/gpts/${gptId}`)).statusCode).toBe(403);
    expect((await call(alice, 'GET', `/api/gpts/${gptId}`)).json().name).toBe('Handbook');
  });

  it('loses it at once when removed from the workspace, and gets it back when invited again', async () => {
    const removed = await call(alice, 'DELETE', `/api/workspaces/${teamA}/members/${bob.user.id}`);
    expect(removed.statusCode).toBe(204);
    expect((await call(bob, 'GET', `/api/gpts/${gptId}`)).statusCode).toBe(404);
    expect((await call(bob, 'GET', `/api/workspaces/${teamA}/catalogue`)).statusCode).toBe(404);
    const runtime = await call(
      null,
      'GET',
      `/internal/gpts/${gptId}/runtime?userId=${bob.user.id}`,
      undefined,
      internal,
    );
    expect(runtime.statusCode).toBe(404);
    await join(bob, (await invite(alice, teamA, bob)).token);
    expect((await call(bob, 'GET', `/api/gpts/${gptId}`)).statusCode).toBe(200);
  });
});

describe('workspaces and invitations', () => {
  it('gives every account its personal workspace, where no one can be invited', async () => {
    const dave = await signUp(registry.app);
    const list = (await call(dave, 'GET', '/api/workspaces')).json().items;
    expect(list).toEqual([
      expect.objectContaining({ name: 'Personal', personal: true, role: 'owner', memberCount: 1 }),
    ]);
    const response = await call(dave, 'POST', `/api/workspaces/${list[0].id}/invitations`, {
      email: alice.email,
    });
    expect(response.statusCode).toBe(400);
    expect((await call(dave, 'DELETE', `/api/workspaces/${list[0].id}`)).statusCode).toBe(400);
  });

  it.each([
    ['a line break', 'Team\nC'],
    ['a tab', 'Team\tC'],
    ['an escape', 'Team \u001b[31mC'],
    ['DEL', 'Team\u007fC'],
  ])('refuses a workspace name holding %s with 400 INVALID_NAME, creating nothing', async (_label, name) => {
    const dave = await signUp(registry.app);
    const response = await call(dave, 'POST', '/api/workspaces', { name });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toEqual({
      code: 'INVALID_NAME',
      message: 'name may not hold control characters or line breaks',
    });
    const list = (await call(dave, 'GET', '/api/workspaces')).json().items;
    expect(list.map((each: { name: string }) => each.name)).toEqual(['Personal']);
  });

  it('lets an invitation be used once, not after it expires, and only owners and admins invite', async () => {
    const erin = await signUp(registry.app);
    const { token } = await invite(alice, teamA, erin);
    expect((await call(erin, 'GET', `/api/invitations/${token}`)).json()).toMatchObject({
      workspaceName: 'Team A',
      email: erin.email,
      role: 'member',
      expired: false,
    });
    await join(erin, token);
    expect((await call(erin, 'POST', `/api/invitations/${token}/accept`)).json().error.code).toBe(
      'INVITATION_USED',
    );
    // A member may not invite, until the owner makes them an admin.
    expect(
      (await call(erin, 'POST', `/api/workspaces/${teamA}/invitations`, { email: 'z@example.com' }))
        .statusCode,
    ).toBe(403);
    const promote = (by: User, user: User, role: string) =>
      call(by, 'PUT', `/api/workspaces/${teamA}/members/${user.user.id}`, { role });
    expect((await promote(erin, erin, 'admin')).statusCode).toBe(403);
    expect((await promote(alice, erin, 'admin')).statusCode).toBe(204);
    const byAdmin = await call(erin, 'POST', `/api/workspaces/${teamA}/invitations`, {
      email: 'z@example.com',
    });
    expect(byAdmin.statusCode).toBe(201);
    expect((await promote(alice, alice, 'member')).statusCode).toBe(400);

    const frank = await signUp(registry.app);
    const late = await invite(alice, teamA, frank);
    await registry.app.db
      .updateTable('workspace_invitation')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', late.id)
      .execute();
    const expired = await call(frank, 'POST', `/api/invitations/${late.token}/accept`);
    expect(expired.statusCode).toBe(409);
    expect(expired.json().error.code).toBe('INVITATION_EXPIRED');
    expect((await call(frank, 'GET', `/api/workspaces/${teamA}`)).statusCode).toBe(404);
  });
});

describe('editing together', () => {
  it('applies an update based on the current version, answers 409 with the current version to a stale one, and names each version’s author', async () => {
    const gpt = await createGpt(registry.app, alice.auth, { name: 'Shared draft', modelId: 'phi3' });
    await call(alice, 'POST', `/api/gpts/${gpt.id}/shares`, { email: bob.email, permission: 'edit' });
    const seenByAlice = await call(alice, 'GET', `/api/gpts/${gpt.id}`);
    const seenByBob = await call(bob, 'GET', `/api/gpts/${gpt.id}`);
    expect(seenByAlice.headers.etag).toBe('"1"');
    expect(seenByBob.json().access).toBe('edit');

    const bobs = await call(
      bob,
      'PUT',
      `/api/gpts/${gpt.id}`,
      { description: 'Bob was here' },
      { 'if-match': '"1"' },
    );
    expect(bobs.statusCode, bobs.body).toBe(200);
    expect(bobs.headers.etag).toBe('"2"');
    const alices = await call(
      alice,
      'PUT',
      `/api/gpts/${gpt.id}`,
      { description: 'Alice' },
      { 'if-match': seenByAlice.headers.etag as string },
    );
    expect(alices.statusCode).toBe(409);
    expect(alices.json().error.code).toBe('VERSION_CONFLICT');
    expect(alices.headers.etag).toBe('"2"');
    expect((await call(alice, 'GET', `/api/gpts/${gpt.id}`)).json().description).toBe('Bob was here');
    expect(
      (await call(alice, 'PUT', `/api/gpts/${gpt.id}`, { name: 'x' }, { 'if-match': 'nonsense' })).statusCode,
    ).toBe(400);

    const retried = await call(
      alice,
      'PUT',
      `/api/gpts/${gpt.id}`,
      { description: 'Alice' },
      { 'if-match': '"2"' },
    );
    expect(retried.statusCode).toBe(200);
    const versions = (await call(bob, 'GET', `/api/gpts/${gpt.id}/versions`)).json().items;
    expect(
      versions.map((v: { version: number; author: { id: string } }) => [v.version, v.author.id]),
    ).toEqual([
      [3, alice.user.id],
      [2, bob.user.id],
      [1, alice.user.id],
    ]);
    // An editor changes the configuration, not the shares or the GPT's existence.
    expect((await call(bob, 'GET', `/api/gpts/${gpt.id}/shares`)).statusCode).toBe(403);
    expect((await call(bob, 'DELETE', `/api/gpts/${gpt.id}`)).statusCode).toBe(403);
  });
});

describe('the catalogue', () => {
  it('shows the published version while the draft moves on, searches, rates 1–5, and copies', async () => {
    const gpt = await createGpt(registry.app, alice.auth, {
      name: 'Release Notes Writer',
      description: 'Turns commits into release notes',
      modelId: 'phi3',
    });
    const published = await call(alice, 'POST', `/api/gpts/${gpt.id}/publish`, {
      workspaceId: teamA,
      category: 'Writing',
    });
    expect(published.json()).toMatchObject({ version: 1, category: 'Writing', workspaceName: 'Team A' });
    await call(alice, 'PUT', `/api/gpts/${gpt.id}`, { name: 'Secret new draft' });

    const search = async (user: User, q: string) =>
      (await call(user, 'GET', `/api/workspaces/${teamA}/catalogue?q=${encodeURIComponent(q)}`)).json().items;
    expect(
      (await search(bob, 'release')).map((item: { name: string; version: number }) => [
        item.name,
        item.version,
      ]),
    ).toEqual([['Release Notes Writer', 1]]);
    expect(await search(bob, 'secret')).toEqual([]);
    expect((await search(bob, 'writing')).length).toBe(1);
    expect((await search(bob, 'commits')).length).toBe(1);
    // Reached only through the catalogue: Bob sees and chats with the published version, not the draft.
    const seen = (await call(bob, 'GET', `/api/gpts/${gpt.id}`)).json();
    expect(seen).toMatchObject({ name: 'Release Notes Writer', version: 1, access: 'catalogue' });
    const runtime = await call(
      null,
      'GET',
      `/internal/gpts/${gpt.id}/runtime?userId=${bob.user.id}`,
      undefined,
      internal,
    );
    expect(runtime.json().gpt.name).toBe('Release Notes Writer');
    expect((await call(bob, 'PUT', `/api/gpts/${gpt.id}`, { name: 'no' })).statusCode).toBe(403);

    expect(
      (await call(bob, 'PUT', `/api/workspaces/${teamA}/catalogue/${gpt.id}/review`, { rating: 6 }))
        .statusCode,
    ).toBe(400);
    expect(
      (await call(bob, 'PUT', `/api/workspaces/${teamA}/catalogue/${gpt.id}/review`, { rating: 0 }))
        .statusCode,
    ).toBe(400);
    await call(bob, 'PUT', `/api/workspaces/${teamA}/catalogue/${gpt.id}/review`, {
      rating: 4,
      review: 'Handy',
    });
    // Another member rates it too (its owner, Alice, may not: own-gpt-rating.test.ts).
    const dana = await signUp(registry.app);
    await join(dana, (await invite(alice, teamA, dana)).token);
    await call(dana, 'PUT', `/api/workspaces/${teamA}/catalogue/${gpt.id}/review`, { rating: 5 });
    await call(bob, 'PUT', `/api/workspaces/${teamA}/catalogue/${gpt.id}/review`, {
      rating: 3,
      review: 'Fine',
    });
    await call(null, 'POST', `/internal/gpts/${gpt.id}/conversations`, { userId: bob.user.id }, internal);
    const [item] = await search(bob, 'release');
    expect(item.rating).toEqual({ average: 4, count: 2, mine: 3 });
    expect(item.conversationCount).toBe(1);
    const reviews = (await call(bob, 'GET', `/api/workspaces/${teamA}/catalogue/${gpt.id}/reviews`)).json()
      .items;
    expect(reviews.map((r: { rating: number; review: string }) => [r.rating, r.review])).toEqual(
      expect.arrayContaining([
        [3, 'Fine'],
        [5, ''],
      ]),
    );

    const copy = await call(bob, 'POST', `/api/gpts/${gpt.id}/copy`);
    expect(copy.statusCode, copy.body).toBe(201);
    expect(copy.json()).toMatchObject({
      name: 'Release Notes Writer (copy)',
      userId: bob.user.id,
      version: 1,
    });
    expect(copy.json().access).toBeUndefined();
    // Carol, outside Team A, cannot publish to it nor copy from it.
    expect((await call(carol, 'POST', `/api/gpts/${gpt.id}/copy`)).statusCode).toBe(404);
  });

  it.each([
    ['a line break', 'Writing\nNews'],
    ['a tab', 'Writing\tNews'],
    ['an escape', 'Writing \u001b[31mNews'],
  ])(
    'refuses a category holding %s with 400 INVALID_CATEGORY, keeping what was published',
    async (_label, category) => {
      const dave = await signUp(registry.app);
      const team = await workspace(dave, 'Team D');
      const gpt = await createGpt(registry.app, dave.auth, { name: 'Notes', modelId: 'phi3' });
      const publish = (body: object) =>
        call(dave, 'POST', `/api/gpts/${gpt.id}/publish`, { workspaceId: team, ...body });
      const publications = async () =>
        (await call(dave, 'GET', `/api/gpts/${gpt.id}/publications`)).json().items;

      const first = await publish({ category });
      expect(first.statusCode).toBe(400);
      expect(first.json().error).toEqual({
        code: 'INVALID_CATEGORY',
        message: 'category may not hold control characters or line breaks',
      });
      expect(await publications()).toEqual([]);

      expect((await publish({ category: 'Writing' })).statusCode).toBe(200);
      const again = await publish({ category });
      expect(again.statusCode).toBe(400);
      expect(again.json().error.code).toBe('INVALID_CATEGORY');
      expect(await publications()).toEqual([
        expect.objectContaining({ workspaceId: team, category: 'Writing' }),
      ]);
    },
  );

  it('offers the built-in templates, and copying one creates the GPT with its actions', async () => {
    const newcomer = await signUp(registry.app);
    const templates = (await call(newcomer, 'GET', '/api/templates')).json().items;
    expect(templates.map((t: { key: string }) => t.key)).toEqual([
      'writing',
      'coding',
      'research',
      'api-action',
    ]);
    const created = await call(newcomer, 'POST', '/api/templates/api-action/copy');
    expect(created.statusCode, created.body).toBe(201);
    const actions = (await call(newcomer, 'GET', `/api/gpts/${created.json().id}/actions`)).json();
    expect(actions.items.map((a: { name: string }) => a.name)).toEqual(['get_weather']);
    const research = await call(newcomer, 'POST', '/api/templates/research/copy');
    expect(research.statusCode, research.body).toBe(201);
    const files = (await call(newcomer, 'GET', `/api/gpts/${research.json().id}/files`)).json();
    expect(files.items).toEqual([
      expect.objectContaining({
        originalName: 'research-guide.md',
        mimeType: 'text/markdown',
        status: 'queued',
      }),
    ]);
    const { storage_key } = await registry.app.db
      .selectFrom('gpt_file')
      .select('storage_key')
      .where('id', '=', files.items[0].id)
      .executeTakeFirstOrThrow();
    const chunks: Buffer[] = [];
    for await (const chunk of await registry.app.storage.getStream(storage_key)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toContain('# Research guide');
    expect((await call(newcomer, 'POST', '/api/templates/nope/copy')).statusCode).toBe(404);
  });
});
