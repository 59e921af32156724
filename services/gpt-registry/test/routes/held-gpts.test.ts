import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';

/*
 * GET /api/gpts/:id answers are held while the database's change notices vouch for them, against the
 * real Postgres: every change committed before a request is seen by it, whoever made the change.
 */
let registry: RegistryHarness;
let admin: pg.Client;

beforeAll(async () => {
  registry = await startRegistry();
  admin = new pg.Client({ connectionString: registry.database.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await registry?.close();
});

const get = (auth: Record<string, string>, id: string) =>
  registry.app.inject({ method: 'GET', url: `/api/gpts/${id}`, headers: auth });

async function ok(auth: Record<string, string>, method: 'POST', url: string, payload?: object) {
  const response = await registry.app.inject({ method, url, headers: auth, ...(payload && { payload }) });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json();
}

/** Renames a GPT behind the notices' back: its triggers off, as if the change were never announced. */
async function renameUnannounced(id: string, name: string) {
  await admin.query('begin');
  await admin.query('set local session_replication_role = replica');
  await admin.query('update gpt set name = $1 where id = $2', [name, id]);
  await admin.query('commit');
}

/** Until the registry holds the caller's answer: a change nobody announced then goes unseen. */
async function untilHeld(auth: Record<string, string>, id: string) {
  const deadline = Date.now() + 10_000;
  for (let round = 0; ; round++) {
    const before = (await get(auth, id)).json().name as string;
    await renameUnannounced(id, `unannounced ${round}`);
    if ((await get(auth, id)).json().name === before) return before;
    if (Date.now() > deadline) throw new Error('the registry never held an answer');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('held GPT answers', () => {
  it('are held, and every change committed before the next request is seen by it', async () => {
    const owner = await signUp(registry.app);
    const gpt = await createGpt(registry.app, owner.auth);
    await untilHeld(owner.auth, gpt.id);

    // Through the API: the answer after the write is the new one.
    const patched = await registry.app.inject({
      method: 'PUT',
      url: `/api/gpts/${gpt.id}`,
      headers: owner.auth,
      payload: { description: 'changed through the API' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const afterPatch = (await get(owner.auth, gpt.id)).json();
    expect(afterPatch.description).toBe('changed through the API');
    expect(afterPatch.version).toBe(patched.json().version);

    // By another writer (another replica, a migration): announced at commit, seen with no wait.
    await untilHeld(owner.auth, gpt.id);
    await admin.query('update gpt set description = $1 where id = $2', ['changed by another writer', gpt.id]);
    expect((await get(owner.auth, gpt.id)).json().description).toBe('changed by another writer');
  });

  it("ends a sharee's held answer when the share is removed, and never shows one user's answer to another", async () => {
    const owner = await signUp(registry.app);
    const sharee = await signUp(registry.app);
    const stranger = await signUp(registry.app);
    // Sharing by email reaches the people of the owner's workspaces.
    const team = (await ok(owner.auth, 'POST', '/api/workspaces', { name: 'Team' })).id;
    const invitation = await ok(owner.auth, 'POST', `/api/workspaces/${team}/invitations`, {
      email: sharee.email,
    });
    await ok(sharee.auth, 'POST', `/api/invitations/${invitation.token}/accept`);
    const gpt = await createGpt(registry.app, owner.auth);
    const share = await registry.app.inject({
      method: 'POST',
      url: `/api/gpts/${gpt.id}/shares`,
      headers: owner.auth,
      payload: { email: sharee.email, permission: 'chat' },
    });
    expect(share.statusCode, share.body).toBe(201);
    await untilHeld(sharee.auth, gpt.id);
    expect((await get(sharee.auth, gpt.id)).json().access).toBe('chat');
    expect((await get(stranger.auth, gpt.id)).statusCode).toBe(404);

    const removed = await registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/${gpt.id}/shares/${share.json().id}`,
      headers: owner.auth,
    });
    expect(removed.statusCode).toBe(204);
    expect((await get(sharee.auth, gpt.id)).statusCode).toBe(404);
    expect((await get(owner.auth, gpt.id)).statusCode).toBe(200);
  });

  it('is gone at once when the GPT is deleted', async () => {
    const owner = await signUp(registry.app);
    const gpt = await createGpt(registry.app, owner.auth);
    await untilHeld(owner.auth, gpt.id);
    const deleted = await registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/${gpt.id}`,
      headers: owner.auth,
    });
    expect(deleted.statusCode).toBeLessThan(300);
    expect((await get(owner.auth, gpt.id)).statusCode).toBe(404);
  });
});
