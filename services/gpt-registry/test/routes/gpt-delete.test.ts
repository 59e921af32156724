import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepStaleDeletes } from '../../src/deletion/stale-deletes.js';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { multipartFile } from '../images.js';

/*
 * DELETE /api/gpts/:id: only the owner deletes (403 to those it is shared with, 404 to anyone else),
 * and a delete that Postgres refuses never leaves the GPT hidden but still counted.
 */
let registry: RegistryHarness;
type User = Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  registry = await startRegistry();
  // A database that refuses to delete GPTs by their name, as a real one may for a while: "Deadlocked
  // twice" ends as a deadlock victim the first two times it is deleted, "Refused" every time.
  await sql`create sequence test_deadlocks`.execute(registry.app.db);
  await sql`create function test_refuse_gpt_delete() returns trigger language plpgsql as $$
    begin
      if old.name = 'Deadlocked twice' and nextval('test_deadlocks') <= 2 then
        raise exception 'deadlock detected (test)' using errcode = '40P01';
      end if;
      if old.name = 'Refused' then
        raise exception 'refused (test)';
      end if;
      return old;
    end $$`.execute(registry.app.db);
  await sql`create trigger test_refuse_gpt_delete before delete on gpt
    for each row execute function test_refuse_gpt_delete()`.execute(registry.app.db);
});
afterAll(() => registry?.close());

const call = (user: User, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  registry.app.inject({ method, url, headers: user.auth, ...(payload && { payload }) });

async function shareWith(owner: User, gptId: string, other: User, permission: 'chat' | 'edit') {
  const team = await call(owner, 'POST', '/api/workspaces', { name: `Team ${permission}` });
  expect(team.statusCode, team.body).toBe(201);
  const invitation = await call(owner, 'POST', `/api/workspaces/${team.json().id}/invitations`, {
    email: other.email,
  });
  expect(invitation.statusCode, invitation.body).toBe(201);
  const joined = await call(other, 'POST', `/api/invitations/${invitation.json().token}/accept`);
  expect(joined.statusCode, joined.body).toBe(200);
  const shared = await call(owner, 'POST', `/api/gpts/${gptId}/shares`, { email: other.email, permission });
  expect(shared.statusCode, shared.body).toBe(201);
}

describe('who may delete a GPT', () => {
  it('answers 403 NOT_ALLOWED to those it is shared with, 404 to strangers, and 204 to its owner', async () => {
    const owner = await signUp(registry.app);
    const chatter = await signUp(registry.app);
    const editor = await signUp(registry.app);
    const stranger = await signUp(registry.app);
    const gpt = await createGpt(registry.app, owner.auth, { name: 'Handbook', modelId: 'phi3' });
    await shareWith(owner, gpt.id, chatter, 'chat');
    await shareWith(owner, gpt.id, editor, 'edit');

    for (const user of [chatter, editor]) {
      const refused = await call(user, 'DELETE', `/api/gpts/${gpt.id}`);
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.json().error.code).toBe('NOT_ALLOWED');
      expect((await call(user, 'GET', `/api/gpts/${gpt.id}`)).statusCode).toBe(200);
    }
    const unknown = await call(stranger, 'DELETE', `/api/gpts/${gpt.id}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    // Refusals change nothing: the owner still has it, listed and counted.
    expect((await call(owner, 'GET', '/api/gpts')).json().items.map((g: { id: string }) => g.id)).toEqual([
      gpt.id,
    ]);

    expect((await call(owner, 'DELETE', `/api/gpts/${gpt.id}`)).statusCode).toBe(204);
    // Gone: now 404 to everyone, those it was shared with included.
    for (const user of [owner, chatter, editor, stranger])
      expect((await call(user, 'DELETE', `/api/gpts/${gpt.id}`)).statusCode).toBe(404);
  });
});

describe('a delete Postgres refuses', () => {
  it('is run again after a deadlock (it is all or nothing) and answers 204', async () => {
    const owner = await signUp(registry.app);
    const gpt = await createGpt(registry.app, owner.auth, { name: 'Deadlocked twice', modelId: 'phi3' });
    const deleted = await call(owner, 'DELETE', `/api/gpts/${gpt.id}`);
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await call(owner, 'GET', `/api/gpts/${gpt.id}`)).statusCode).toBe(404);
    expect((await call(owner, 'GET', '/api/usage')).json().gpts.used).toBe(0);
  });

  it('answers 503 and leaves the GPT visible, listed and deletable, never hidden but counted', async () => {
    const owner = await signUp(registry.app);
    const gpt = await createGpt(registry.app, owner.auth, { name: 'Refused', modelId: 'phi3' });
    const failed = await call(owner, 'DELETE', `/api/gpts/${gpt.id}`);
    expect(failed.statusCode, failed.body).toBe(503);
    expect(failed.json().error.code).toBe('DELETE_FAILED');
    expect(failed.headers['retry-after']).toBe('1');

    expect((await call(owner, 'GET', `/api/gpts/${gpt.id}`)).statusCode).toBe(200);
    expect((await call(owner, 'GET', '/api/gpts')).json().items.map((g: { id: string }) => g.id)).toEqual([
      gpt.id,
    ]);
    expect((await call(owner, 'GET', '/api/usage')).json().gpts.used).toBe(1);

    // Once the cause is gone (here: the name the database refuses), the delete is simply retried.
    expect((await call(owner, 'PUT', `/api/gpts/${gpt.id}`, { name: 'Deletable' })).statusCode).toBe(200);
    expect((await call(owner, 'DELETE', `/api/gpts/${gpt.id}`)).statusCode).toBe(204);
    expect((await call(owner, 'GET', '/api/gpts')).json().items).toEqual([]);
    expect((await call(owner, 'GET', '/api/usage')).json().gpts.used).toBe(0);
  });
});

describe('a delete a crash stopped after its mark', () => {
  it('is finished by the sweep once it is stale: rows, objects and quota usage gone; a fresh mark is left alone', async () => {
    const owner = await signUp(registry.app);
    const crashed = await createGpt(registry.app, owner.auth, {
      name: 'Crashed mid-delete',
      modelId: 'phi3',
    });
    const notes = multipartFile('notes.txt', 'text/plain', Buffer.from('kept notes'));
    const upload = await registry.app.inject({
      method: 'POST',
      url: `/api/gpts/${crashed.id}/files`,
      headers: { ...owner.auth, ...notes.headers },
      payload: notes.payload,
    });
    expect(upload.statusCode, upload.body).toBe(202);
    const inProgress = await createGpt(registry.app, owner.auth, { name: 'Being deleted', modelId: 'phi3' });
    // What a registry killed after the mark leaves: hidden from its owner, yet holding rows and objects.
    const db = registry.app.db;
    await db
      .updateTable('gpt')
      .set({ deleting_at: sql<Date>`now() - interval '1 hour'` })
      .where('id', '=', crashed.id)
      .execute();
    await db
      .updateTable('gpt')
      .set({ deleting_at: sql<Date>`now()` })
      .where('id', '=', inProgress.id)
      .execute();
    const objects = async (gptId: string) => {
      const keys: string[] = [];
      for await (const key of registry.s3.store.list('')) if (key.includes(gptId)) keys.push(key);
      return keys;
    };
    expect(await objects(crashed.id)).not.toEqual([]);
    expect((await call(owner, 'GET', '/api/usage')).json().gpts.used).toBe(2);

    const sweep = await sweepStaleDeletes({
      db,
      storage: registry.app.storage,
      deleteGptSessions: undefined,
      log: registry.app.log,
    });
    expect(sweep).toBe(1);
    expect(await db.selectFrom('gpt').select('id').where('id', '=', crashed.id).execute()).toEqual([]);
    expect(await db.selectFrom('gpt_file').select('id').where('gpt_id', '=', crashed.id).execute()).toEqual(
      [],
    );
    expect(await objects(crashed.id)).toEqual([]);
    // The fresh mark may be a delete still under way: untouched.
    expect(await db.selectFrom('gpt').select('id').where('id', '=', inProgress.id).execute()).toHaveLength(1);
    expect((await call(owner, 'GET', '/api/usage')).json().gpts.used).toBe(1);
  });
});
