import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { teamSteps, type User } from './team-steps.js';

/*
 * Ratings say what the members think of a GPT: its owner may not rate their own. Ada owns the GPT and
 * "Ada's team", where Bob is and may edit it (the owner's rule, not an editor's). Ratings are sent as
 * numbers, as the contract has them.
 */
let registry: RegistryHarness;
let ada: User;
let bob: User;
let team: string;
let gptId: string;

const { call, workspace, bringIn } = teamSteps(() => registry);
const rate = (user: User, rating: number, review?: string) =>
  call(user, 'PUT', `/api/workspaces/${team}/catalogue/${gptId}/review`, {
    rating,
    ...(review !== undefined && { review }),
  });
const catalogueItem = async (user: User) =>
  (await call(user, 'GET', `/api/workspaces/${team}/catalogue`)).json().items[0];

beforeAll(async () => {
  registry = await startRegistry();
  ada = await signUp(registry.app);
  bob = await signUp(registry.app);
  team = await workspace(ada, "Ada's team");
  await bringIn(ada, team, bob);
  gptId = (await createGpt(registry.app, ada.auth, { name: 'Style guide', modelId: 'phi3' })).id;
  expect(
    (await call(ada, 'POST', `/api/gpts/${gptId}/shares`, { email: bob.email, permission: 'edit' }))
      .statusCode,
  ).toBe(201);
  expect((await call(ada, 'POST', `/api/gpts/${gptId}/publish`, { workspaceId: team })).statusCode).toBe(200);
});
afterAll(() => registry.close());

describe("rating one's own GPT", () => {
  it('is refused to the owner with 403 OWN_GPT, storing nothing', async () => {
    const response = await rate(ada, 5, 'The best');
    expect(response.statusCode, response.body).toBe(403);
    expect(response.json().error).toEqual({ code: 'OWN_GPT', message: 'You may not rate your own GPT' });
    expect(
      (await call(ada, 'GET', `/api/workspaces/${team}/catalogue/${gptId}/reviews`)).json().items,
    ).toEqual([]);
    expect(await catalogueItem(ada)).toMatchObject({
      yours: true,
      rating: { average: null, count: 0, mine: null },
    });
  });

  it('is open to a member who may edit it', async () => {
    const response = await rate(bob, 4, 'Clear');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ userId: bob.user.id, rating: 4, review: 'Clear' });
    expect(await catalogueItem(bob)).toMatchObject({
      yours: false,
      rating: { average: 4, count: 1, mine: 4 },
    });
    expect(await catalogueItem(ada)).toMatchObject({
      yours: true,
      rating: { average: 4, count: 1, mine: null },
    });
  });

  it('checks the rating before the owner: a bad one is still 400', async () => {
    expect((await rate(ada, 6)).statusCode).toBe(400);
  });
});
