import { serviceToken } from '@chatty/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry, TEST_SECRET } from '../harness.js';
import { teamSteps, type User } from './team-steps.js';

/*
 * Whoever reaches a GPT through a catalogue chats with its owner's knowledge and actions, so a GPT is
 * published only where its owner is a member. Ada owns the GPT and "Ada's team", where Carol is; Carol
 * may edit the GPT. Carol owns "Carol's team", where Dave is and Ada is not. Ada sees and ends every
 * publication of her GPT; one in a workspace she is not in (made before this rule) grants nothing.
 */
let registry: RegistryHarness;
let ada: User;
let carol: User;
let dave: User;
let adasTeam: string;
let carolsTeam: string;
let gptId: string;
let actionId: string;
let carolsShare: string;
const internal = { 'x-service-token': serviceToken(TEST_SECRET, 'gpt-registry') };

const { call, workspace, bringIn } = teamSteps(() => registry);

const publications = async (user: User) => {
  const response = await call(user, 'GET', `/api/gpts/${gptId}/publications`);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json().items as Array<{ workspaceId: string }>).map((item) => item.workspaceId).sort();
};

const catalogue = async (user: User, workspaceId: string) =>
  (
    (await call(user, 'GET', `/api/workspaces/${workspaceId}/catalogue`)).json().items as Array<{
      gptId: string;
    }>
  ).map((item) => item.gptId);

/** Every way Dave could reach the GPT: see it, chat with it (runtime, turn), run its action, copy it. */
async function daveReaches() {
  const statuses = {
    get: (await call(dave, 'GET', `/api/gpts/${gptId}`)).statusCode,
    context: (await call(dave, 'GET', `/api/gpts/${gptId}/context`)).statusCode,
    copy: (await call(dave, 'POST', `/api/gpts/${gptId}/copy`)).statusCode,
    runtime: (
      await call(null, 'GET', `/internal/gpts/${gptId}/runtime?userId=${dave.user.id}`, undefined, internal)
    ).statusCode,
    turn: (
      await call(null, 'GET', `/internal/gpts/${gptId}/turn?userId=${dave.user.id}`, undefined, internal)
    ).statusCode,
    conversation: (
      await call(null, 'POST', `/internal/gpts/${gptId}/conversations`, { userId: dave.user.id }, internal)
    ).statusCode,
  };
  // Only asked when it must fail: a success would send a request to the action's host.
  const executed = await call(
    null,
    'POST',
    `/internal/actions/${actionId}/execute`,
    { userId: dave.user.id, arguments: {} },
    internal,
  );
  return { ...statuses, execute: executed.statusCode };
}

const NOTHING = {
  get: 404,
  context: 404,
  copy: 404,
  runtime: 404,
  turn: 404,
  conversation: 404,
  execute: 404,
};

beforeAll(async () => {
  registry = await startRegistry();
  ada = await signUp(registry.app);
  carol = await signUp(registry.app);
  dave = await signUp(registry.app);
  adasTeam = await workspace(ada, "Ada's team");
  await bringIn(ada, adasTeam, carol);
  carolsTeam = await workspace(carol, "Carol's team");
  await bringIn(carol, carolsTeam, dave);
  gptId = (await createGpt(registry.app, ada.auth, { name: 'Payroll helper', modelId: 'phi3' })).id;
  const shared = await call(ada, 'POST', `/api/gpts/${gptId}/shares`, {
    email: carol.email,
    permission: 'edit',
  });
  expect(shared.statusCode, shared.body).toBe(201);
  carolsShare = shared.json().id;
  const action = await call(ada, 'POST', `/api/gpts/${gptId}/actions`, {
    name: 'lookup',
    url: 'https://example.com/lookup',
    method: 'GET',
  });
  expect(action.statusCode, action.body).toBe(201);
  actionId = action.json().id;
});
afterAll(() => registry.close());

describe("an editor publishing the owner's GPT", () => {
  it('may not publish it to a workspace the owner is not in (403 NOT_ALLOWED), and Dave reaches nothing', async () => {
    const refused = await call(carol, 'POST', `/api/gpts/${gptId}/publish`, { workspaceId: carolsTeam });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().error.code).toBe('NOT_ALLOWED');
    expect(refused.json().error.message).toMatch(/owner is not in this one/);
    expect(await publications(ada)).toEqual([]);
    expect(await publications(carol)).toEqual([]);
    expect(await catalogue(dave, carolsTeam)).toEqual([]);
    expect(await daveReaches()).toEqual(NOTHING);
  });

  it('publishes it to a workspace both she and the owner are in; one she is not in stays 404', async () => {
    const published = await call(carol, 'POST', `/api/gpts/${gptId}/publish`, { workspaceId: adasTeam });
    expect(published.statusCode, published.body).toBe(200);
    expect(await publications(ada)).toEqual([adasTeam]);
    expect(await publications(carol)).toEqual([adasTeam]);
    const adasPersonal = (await call(ada, 'GET', '/api/workspaces')).json().items[0].id as string;
    const unseen = await call(carol, 'POST', `/api/gpts/${gptId}/publish`, { workspaceId: adasPersonal });
    expect(unseen.statusCode).toBe(404);
    expect(unseen.json().error.message).toBe('Workspace not found');
    expect(await publications(ada)).toEqual([adasTeam]);
  });

  it('the owner still may not publish to a workspace she is not in (404)', async () => {
    const response = await call(ada, 'POST', `/api/gpts/${gptId}/publish`, { workspaceId: carolsTeam });
    expect(response.statusCode).toBe(404);
  });
});

describe('a publication in a workspace the owner is not in (made before this rule)', () => {
  beforeAll(async () => {
    await registry.app.db
      .insertInto('catalogue_entry')
      .values({
        workspace_id: carolsTeam,
        gpt_id: gptId,
        version: 1,
        category: '',
        published_by: carol.user.id,
      })
      .execute();
  });

  it('grants no access: not in the catalogue, no chat, no action, no copy, no review', async () => {
    expect(await catalogue(dave, carolsTeam)).toEqual([]);
    expect(await catalogue(carol, carolsTeam)).toEqual([]);
    expect(await daveReaches()).toEqual(NOTHING);
    expect((await call(dave, 'GET', '/api/gpts/shared')).json().items).toEqual([]);
    expect(
      (await call(dave, 'GET', `/api/workspaces/${carolsTeam}/catalogue/${gptId}/reviews`)).statusCode,
    ).toBe(404);
    expect(
      (await call(dave, 'PUT', `/api/workspaces/${carolsTeam}/catalogue/${gptId}/review`, { rating: 5 }))
        .statusCode,
    ).toBe(404);
    // Without her share, Carol reaches it through Ada's team only (where both are), Dave still not.
    expect((await call(ada, 'DELETE', `/api/gpts/${gptId}/shares/${carolsShare}`)).statusCode).toBe(204);
    expect((await call(carol, 'GET', `/api/gpts/${gptId}`)).json().access).toBe('catalogue');
    expect(await daveReaches()).toEqual(NOTHING);
    const reshared = await call(ada, 'POST', `/api/gpts/${gptId}/shares`, {
      email: carol.email,
      permission: 'edit',
    });
    carolsShare = reshared.json().id;
  });

  it('is listed to the owner, with the others; an editor sees those among her own workspaces', async () => {
    expect(await publications(ada)).toEqual([adasTeam, carolsTeam].sort());
    expect(await publications(carol)).toEqual([adasTeam, carolsTeam].sort());
  });

  it('the owner ends it, though she is not in that workspace', async () => {
    const ended = await call(ada, 'DELETE', `/api/gpts/${gptId}/publish/${carolsTeam}`);
    expect(ended.statusCode, ended.body).toBe(204);
    expect(await publications(ada)).toEqual([adasTeam]);
    const again = await call(ada, 'DELETE', `/api/gpts/${gptId}/publish/${carolsTeam}`);
    expect(again.statusCode).toBe(404);
    expect(again.json().error.message).toBe('Publication not found');
  });
});

describe('a publication whose owner leaves the workspace', () => {
  it('stops granting access at once, and again when she comes back', async () => {
    const erin = await signUp(registry.app);
    const erinsTeam = await workspace(erin, "Erin's team");
    await bringIn(erin, erinsTeam, ada);
    await bringIn(erin, erinsTeam, dave);
    const published = await call(ada, 'POST', `/api/gpts/${gptId}/publish`, { workspaceId: erinsTeam });
    expect(published.statusCode, published.body).toBe(200);
    expect((await call(dave, 'GET', `/api/gpts/${gptId}`)).json()).toMatchObject({ access: 'catalogue' });
    expect(await catalogue(dave, erinsTeam)).toEqual([gptId]);

    expect(
      (await call(ada, 'DELETE', `/api/workspaces/${erinsTeam}/members/${ada.user.id}`)).statusCode,
    ).toBe(204);
    expect(await catalogue(dave, erinsTeam)).toEqual([]);
    expect(await daveReaches()).toEqual(NOTHING);
    expect(await publications(ada)).toEqual([adasTeam, erinsTeam].sort());

    await bringIn(erin, erinsTeam, ada);
    expect((await call(dave, 'GET', `/api/gpts/${gptId}`)).statusCode).toBe(200);
    expect((await call(ada, 'DELETE', `/api/gpts/${gptId}/publish/${erinsTeam}`)).statusCode).toBe(204);
    expect((await call(dave, 'GET', `/api/gpts/${gptId}`)).statusCode).toBe(404);
  });
});
