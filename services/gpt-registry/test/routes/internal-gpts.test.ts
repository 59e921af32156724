import { serviceToken } from '@chatty/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry, TEST_SECRET } from '../harness.js';
import { teamSteps, type User } from '../teams/team-steps.js';

/*
 * GET /internal/gpts: every GPT a user may chat with, for the gateway's /v1/models. Ada owns one GPT;
 * Bob shares his with her as can edit; Carol owns "Carol's team", where Ada and Bob are, shares a GPT
 * with it as can chat and publishes another to its catalogue (then renames the draft); Bob publishes a
 * GPT there and leaves the team; Dave keeps his GPT to himself.
 */
let registry: RegistryHarness;
let ada: User;
let bob: User;
let carol: User;
let dave: User;
let team: string;
const ids: Record<string, string> = {};
const internal = { 'x-service-token': serviceToken(TEST_SECRET, 'gpt-registry') };
const { call, workspace, bringIn } = teamSteps(() => registry);

async function gpt(owner: User, name: string) {
  return (await createGpt(registry.app, owner.auth, { name, modelId: 'phi3', description: `${name}.` })).id;
}

async function ok(response: Promise<{ statusCode: number; body: string }>, status = 200) {
  const answer = await response;
  expect(answer.statusCode, answer.body).toBe(status);
}

async function listed(user: User, id?: string) {
  const query = new URLSearchParams({ userId: user.user.id, ...(id && { id }) });
  const response = await call(null, 'GET', `/internal/gpts?${query}`, undefined, internal);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as Array<{ id: string; name: string; description: string; access: string }>;
}

beforeAll(async () => {
  registry = await startRegistry();
  ada = await signUp(registry.app);
  bob = await signUp(registry.app);
  carol = await signUp(registry.app);
  dave = await signUp(registry.app);
  team = await workspace(carol, "Carol's team");
  await bringIn(carol, team, ada);
  await bringIn(carol, team, bob);
  ids.own = await gpt(ada, 'Ada own');
  ids.edit = await gpt(bob, 'Bob edit');
  await ok(call(bob, 'POST', `/api/gpts/${ids.edit}/shares`, { email: ada.email, permission: 'edit' }), 201);
  ids.chat = await gpt(carol, 'Team chat');
  await ok(
    call(carol, 'POST', `/api/gpts/${ids.chat}/shares`, { workspaceId: team, permission: 'chat' }),
    201,
  );
  // Shared with the team and in its catalogue: listed once, with the stronger access.
  await ok(call(carol, 'POST', `/api/gpts/${ids.chat}/publish`, { workspaceId: team }));
  ids.catalogue = await gpt(carol, 'Published');
  await ok(call(carol, 'POST', `/api/gpts/${ids.catalogue}/publish`, { workspaceId: team }));
  await ok(
    call(carol, 'PUT', `/api/gpts/${ids.catalogue}`, { name: 'Unpublished draft', description: 'New.' }),
  );
  // A publication whose owner has left the workspace grants nothing (gpt-access.repository.ts).
  ids.left = await gpt(bob, 'Left behind');
  await ok(call(bob, 'POST', `/api/gpts/${ids.left}/publish`, { workspaceId: team }));
  await ok(call(bob, 'DELETE', `/api/workspaces/${team}/members/${bob.user.id}`), 204);
  ids.private = await gpt(dave, 'Dave private');
});
afterAll(() => registry.close());

describe('GET /internal/gpts', () => {
  it('lists own, shared and catalogue GPTs with their access; a catalogue one as published', async () => {
    const items = await listed(ada);
    expect(Object.fromEntries(items.map((item) => [item.id, item.access]))).toEqual({
      [ids.own!]: 'owner',
      [ids.edit!]: 'edit',
      [ids.chat!]: 'chat',
      [ids.catalogue!]: 'catalogue',
    });
    expect(items.find((item) => item.id === ids.catalogue)).toMatchObject({
      name: 'Published',
      description: 'Published.',
      modelId: 'phi3',
    });
    // Newest first.
    expect(items.map((item) => item.id)).toEqual([ids.catalogue, ids.chat, ids.edit, ids.own]);
    // Its owner sees the draft.
    expect((await listed(carol)).find((item) => item.id === ids.catalogue)).toMatchObject({
      name: 'Unpublished draft',
      access: 'owner',
    });
  });

  it('leaves out what the user may not chat with', async () => {
    expect((await listed(dave)).map((item) => item.id)).toEqual([ids.private]);
    expect((await listed(ada)).map((item) => item.id)).not.toContain(ids.left);
  });

  it('narrows to one GPT with id: the same answer, or none', async () => {
    expect(await listed(ada, ids.catalogue)).toEqual(
      (await listed(ada)).filter((item) => item.id === ids.catalogue),
    );
    expect(await listed(ada, ids.private)).toEqual([]);
    expect(await listed(ada, ids.left)).toEqual([]);
    expect(await listed(dave, ids.private)).toMatchObject([{ id: ids.private, access: 'owner' }]);
  });

  it('refuses an id that is not a GPT id (400)', async () => {
    const response = await call(
      null,
      'GET',
      `/internal/gpts?userId=${ada.user.id}&id=x`,
      undefined,
      internal,
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBeTypeOf('string');
  });
});
