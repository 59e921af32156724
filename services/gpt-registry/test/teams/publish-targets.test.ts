import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { teamSteps, type User } from './team-steps.js';

/*
 * `GET /api/gpts/:id/publications` names the `targets` the caller may publish the GPT to: the team
 * workspaces both they and its owner are in. Ada owns the GPT, "Ada's team" (with Carol) and "Ada
 * alone"; both are in "Erin's team"; Carol owns "Carol's team", where Ada is not. Carol may edit it.
 */
let registry: RegistryHarness;
let ada: User;
let carol: User;
let erin: User;
let adasTeam: string;
let adaAlone: string;
let erinsTeam: string;
let carolsTeam: string;
let gptId: string;

const { call, workspace, bringIn } = teamSteps(() => registry);

const targetsOf = async (user: User) => {
  const response = await call(user, 'GET', `/api/gpts/${gptId}/publications`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().targets as Array<{ workspaceId: string; workspaceName: string }>;
};

beforeAll(async () => {
  registry = await startRegistry();
  ada = await signUp(registry.app);
  carol = await signUp(registry.app);
  erin = await signUp(registry.app);
  adasTeam = await workspace(ada, "Ada's team");
  adaAlone = await workspace(ada, 'Ada alone');
  erinsTeam = await workspace(erin, "Erin's team");
  carolsTeam = await workspace(carol, "Carol's team");
  await bringIn(ada, adasTeam, carol);
  await bringIn(erin, erinsTeam, ada);
  await bringIn(erin, erinsTeam, carol);
  gptId = (await createGpt(registry.app, ada.auth, { name: 'Glossary', modelId: 'phi3' })).id;
  const shared = await call(ada, 'POST', `/api/gpts/${gptId}/shares`, {
    email: carol.email,
    permission: 'edit',
  });
  expect(shared.statusCode, shared.body).toBe(201);
});
afterAll(() => registry.close());

describe('the workspaces one may publish a GPT to', () => {
  it("are all the owner's team workspaces for the owner, by name, her personal one left out", async () => {
    expect(await targetsOf(ada)).toEqual([
      { workspaceId: adaAlone, workspaceName: 'Ada alone' },
      { workspaceId: adasTeam, workspaceName: "Ada's team" },
      { workspaceId: erinsTeam, workspaceName: "Erin's team" },
    ]);
  });

  it('are those the editor shares with the owner, and exactly where she may publish', async () => {
    expect(await targetsOf(carol)).toEqual([
      { workspaceId: adasTeam, workspaceName: "Ada's team" },
      { workspaceId: erinsTeam, workspaceName: "Erin's team" },
    ]);
    for (const { workspaceId } of await targetsOf(carol)) {
      const published = await call(carol, 'POST', `/api/gpts/${gptId}/publish`, { workspaceId });
      expect(published.statusCode, published.body).toBe(200);
    }
    const refused = await call(carol, 'POST', `/api/gpts/${gptId}/publish`, { workspaceId: carolsTeam });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('NOT_ALLOWED');
    // The publications themselves are listed beside, as before.
    const listed = (await call(carol, 'GET', `/api/gpts/${gptId}/publications`)).json().items;
    expect(listed.map((item: { workspaceId: string }) => item.workspaceId).sort()).toEqual(
      [adasTeam, erinsTeam].sort(),
    );
  });

  it('follow the owner: one she leaves is no longer a target, for her or the editor', async () => {
    expect(
      (await call(ada, 'DELETE', `/api/workspaces/${erinsTeam}/members/${ada.user.id}`)).statusCode,
    ).toBe(204);
    expect((await targetsOf(carol)).map((target) => target.workspaceId)).toEqual([adasTeam]);
    expect((await targetsOf(ada)).map((target) => target.workspaceId)).toEqual([adaAlone, adasTeam]);
  });

  it('are not shown to someone who may only chat with it (403), nor to a stranger (404)', async () => {
    const bob = await signUp(registry.app);
    await bringIn(ada, adasTeam, bob);
    await call(ada, 'POST', `/api/gpts/${gptId}/shares`, { email: bob.email, permission: 'chat' });
    expect((await call(bob, 'GET', `/api/gpts/${gptId}/publications`)).statusCode).toBe(403);
    const stranger = await signUp(registry.app);
    expect((await call(stranger, 'GET', `/api/gpts/${gptId}/publications`)).statusCode).toBe(404);
  });
});
