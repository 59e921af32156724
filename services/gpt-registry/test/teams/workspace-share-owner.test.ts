import { serviceToken } from '@chatty/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry, TEST_SECRET } from '../harness.js';
import { teamSteps, type User } from './team-steps.js';

/*
 * A share to a workspace holds only while the GPT's owner is a member of it, as a publication does:
 * the owner decides who reaches their knowledge and actions, and leaving the workspace takes that
 * back. Erin owns "Erin's team", where Ada (the GPT's owner) and Bob are; Ada shares her GPT with the
 * team, and by name with Carol, whom she knows from that team too. A share to a person stays.
 */
let registry: RegistryHarness;
let erin: User;
let ada: User;
let bob: User;
let carol: User;
let team: string;
let gptId: string;
const internal = { 'x-service-token': serviceToken(TEST_SECRET, 'gpt-registry') };

const { call, workspace, bringIn } = teamSteps(() => registry);

/** What a user reaches of the GPT: see it, find it among those shared, chat (the turn's lookup). */
async function reaches(user: User) {
  const seen = await call(user, 'GET', `/api/gpts/${gptId}`);
  const shared = (await call(user, 'GET', '/api/gpts/shared')).json().items as Array<{ id: string }>;
  const turn = await call(
    null,
    'GET',
    `/internal/gpts/${gptId}/turn?userId=${user.user.id}`,
    undefined,
    internal,
  );
  return {
    get: seen.statusCode,
    access: seen.statusCode === 200 ? seen.json().access : null,
    shared: shared.map((gpt) => gpt.id),
    turn: turn.statusCode,
  };
}

const leave = async (user: User) =>
  expect((await call(user, 'DELETE', `/api/workspaces/${team}/members/${user.user.id}`)).statusCode).toBe(
    204,
  );

beforeAll(async () => {
  registry = await startRegistry();
  erin = await signUp(registry.app);
  ada = await signUp(registry.app);
  bob = await signUp(registry.app);
  carol = await signUp(registry.app);
  team = await workspace(erin, "Erin's team");
  for (const user of [ada, bob, carol]) await bringIn(erin, team, user);
  gptId = (await createGpt(registry.app, ada.auth, { name: 'Onboarding', modelId: 'phi3' })).id;
  const toTeam = await call(ada, 'POST', `/api/gpts/${gptId}/shares`, {
    workspaceId: team,
    permission: 'edit',
  });
  expect(toTeam.statusCode, toTeam.body).toBe(201);
  const toCarol = await call(ada, 'POST', `/api/gpts/${gptId}/shares`, {
    email: carol.email,
    permission: 'chat',
  });
  expect(toCarol.statusCode, toCarol.body).toBe(201);
});
afterAll(() => registry.close());

describe('a GPT shared with a workspace', () => {
  it('reaches its members while the owner is one of them', async () => {
    expect(await reaches(bob)).toEqual({ get: 200, access: 'edit', shared: [gptId], turn: 200 });
    // Carol's own share says chat, the team's edit: the strongest wins.
    expect(await reaches(carol)).toMatchObject({ get: 200, access: 'edit', shared: [gptId] });
  });

  it('reaches no one through the workspace once the owner leaves it; a share to a person stays', async () => {
    await leave(ada);
    expect(await reaches(bob)).toEqual({ get: 404, access: null, shared: [], turn: 404 });
    expect((await call(bob, 'PUT', `/api/gpts/${gptId}`, { description: 'Bob was here' })).statusCode).toBe(
      404,
    );
    expect((await call(bob, 'GET', `/api/gpts/${gptId}/context`)).statusCode).toBe(404);
    expect((await call(bob, 'POST', `/api/gpts/${gptId}/copy`)).statusCode).toBe(404);
    expect(await reaches(carol)).toEqual({ get: 200, access: 'chat', shared: [gptId], turn: 200 });
    // The share itself is kept, listed to the owner: it holds again if she comes back.
    const shares = (await call(ada, 'GET', `/api/gpts/${gptId}/shares`)).json().items;
    expect(shares).toEqual([
      expect.objectContaining({ workspace: { id: team, name: "Erin's team" }, inForce: false }),
      expect.objectContaining({ user: expect.objectContaining({ id: carol.user.id }), inForce: true }),
    ]);
  });

  it('may not be made to a workspace the owner is not in (404), nor changed there', async () => {
    const response = await call(ada, 'POST', `/api/gpts/${gptId}/shares`, {
      workspaceId: team,
      permission: 'chat',
    });
    expect(response.statusCode, response.body).toBe(404);
    expect(response.json().error).toEqual({ code: 'NOT_FOUND', message: 'Workspace not found' });
    expect(await reaches(bob)).toMatchObject({ get: 404, shared: [] });
  });

  it('reaches the members again when the owner rejoins', async () => {
    await bringIn(erin, team, ada);
    expect(await reaches(bob)).toEqual({ get: 200, access: 'edit', shared: [gptId], turn: 200 });
    const shares = (await call(ada, 'GET', `/api/gpts/${gptId}/shares`)).json().items;
    expect(shares.map((share: { inForce: boolean }) => share.inForce)).toEqual([true, true]);
  });

  it('stops reaching a member who leaves, whoever else stays', async () => {
    await leave(bob);
    expect(await reaches(bob)).toEqual({ get: 404, access: null, shared: [], turn: 404 });
  });
});
