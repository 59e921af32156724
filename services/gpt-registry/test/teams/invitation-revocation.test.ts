import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { teamSteps, type User } from './team-steps.js';

/*
 * A workspace invitation is made on its inviter's authority: when they lose the role that allowed it
 * (demoted to member, removed, or they leave), their links still pending stop working, answered as a
 * revoked (deleted) one is: 404. Alice owns "Team"; Carol is one of its admins.
 */
let registry: RegistryHarness;
let alice: User;
let team: string;

const steps = teamSteps(() => registry);
const { call, join } = steps;
const invite = (from: User, to: User, role: 'member' | 'admin' = 'member') =>
  steps.invite(from, team, to, role);

const setRole = (user: User, role: 'admin' | 'member') =>
  call(alice, 'PUT', `/api/workspaces/${team}/members/${user.user.id}`, { role });

/** A new admin of the team. */
async function newAdmin() {
  const admin = await signUp(registry.app);
  await join(admin, (await invite(alice, admin)).token);
  expect((await setRole(admin, 'admin')).statusCode).toBe(204);
  return admin;
}

const pendingIds = async () =>
  (
    (await call(alice, 'GET', `/api/workspaces/${team}/invitations`)).json().items as Array<{ id: string }>
  ).map((item) => item.id);

/** The link is refused as an unknown one, and its invitee stays outside. */
async function expectRevoked(invitee: User, invitation: { id: string; token: string }) {
  const seen = await call(invitee, 'GET', `/api/invitations/${invitation.token}`);
  expect(seen.statusCode).toBe(404);
  const accepted = await call(invitee, 'POST', `/api/invitations/${invitation.token}/accept`);
  expect(accepted.statusCode, accepted.body).toBe(404);
  expect(accepted.json().error).toEqual({ code: 'NOT_FOUND', message: 'Invitation not found' });
  expect((await call(invitee, 'GET', `/api/workspaces/${team}`)).statusCode).toBe(404);
  expect(await pendingIds()).not.toContain(invitation.id);
}

beforeAll(async () => {
  registry = await startRegistry();
  alice = await signUp(registry.app);
  const created = await call(alice, 'POST', '/api/workspaces', { name: 'Team' });
  team = created.json().id;
});
afterAll(() => registry.close());

describe("an admin's pending invitations", () => {
  it('are revoked when the owner demotes the admin to member, and stay revoked if promoted again', async () => {
    const carol = await newAdmin();
    const erin = await signUp(registry.app);
    const byCarol = await invite(carol, erin);
    const other = await signUp(registry.app);
    const byAlice = await invite(alice, other);
    expect(await pendingIds()).toEqual(expect.arrayContaining([byCarol.id, byAlice.id]));

    expect((await setRole(carol, 'member')).statusCode).toBe(204);
    await expectRevoked(erin, byCarol);
    expect((await setRole(carol, 'admin')).statusCode).toBe(204);
    await expectRevoked(erin, byCarol);
    // The owner's own invitation is untouched.
    await join(other, byAlice.token);
  });

  it('keep working while the admin stays an admin (a role set again to admin changes nothing)', async () => {
    const carol = await newAdmin();
    const erin = await signUp(registry.app);
    const byCarol = await invite(carol, erin);
    expect((await setRole(carol, 'admin')).statusCode).toBe(204);
    await join(erin, byCarol.token);
  });

  it('are revoked when the admin is removed from the workspace', async () => {
    const carol = await newAdmin();
    const erin = await signUp(registry.app);
    const byCarol = await invite(carol, erin);
    expect((await call(alice, 'DELETE', `/api/workspaces/${team}/members/${carol.user.id}`)).statusCode).toBe(
      204,
    );
    await expectRevoked(erin, byCarol);
  });

  it('are revoked when the admin leaves the workspace', async () => {
    const carol = await newAdmin();
    const erin = await signUp(registry.app);
    const byCarol = await invite(carol, erin);
    expect((await call(carol, 'DELETE', `/api/workspaces/${team}/members/${carol.user.id}`)).statusCode).toBe(
      204,
    );
    await expectRevoked(erin, byCarol);
  });

  it('made before revocation on demotion existed (the role changed, the link kept) are refused too', async () => {
    const carol = await newAdmin();
    const erin = await signUp(registry.app);
    const byCarol = await invite(carol, erin);
    await registry.app.db
      .updateTable('workspace_member')
      .set({ role: 'member' })
      .where('workspace_id', '=', team)
      .where('user_id', '=', carol.user.id)
      .execute();
    await expectRevoked(erin, byCarol);
  });

  it('are refused while the admin’s account is disabled', async () => {
    const carol = await newAdmin();
    const erin = await signUp(registry.app);
    const byCarol = await invite(carol, erin);
    // Alice signed up first: she is the instance's admin.
    const disabled = await call(alice, 'PATCH', `/api/admin/users/${carol.user.id}`, { disabled: true });
    expect(disabled.statusCode, disabled.body).toBe(200);
    await expectRevoked(erin, byCarol);
  });
});
