import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { multipartFile } from '../images.js';

let registry: RegistryHarness;
beforeAll(async () => {
  registry = await startRegistry({
    QUOTA_GPTS: '3',
    QUOTA_API_KEYS: '2',
    QUOTA_FILES_PER_GPT: '2',
    QUOTA_FILE_BYTES: '100',
    QUOTA_ACTIONS_PER_GPT: '3',
    QUOTA_WORKSPACES: '2',
    QUOTA_PENDING_INVITATIONS: '3',
  });
});
afterAll(() => registry.close());

type User = Awaited<ReturnType<typeof signUp>>;
const call = (user: User, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  registry.app.inject({ method, url, headers: user.auth, ...(payload && { payload }) });
const upload = (user: User, gptId: string, bytes: number, name = 'notes.txt') => {
  const file = multipartFile(name, 'text/plain', Buffer.alloc(bytes, 'a'));
  return registry.app.inject({
    method: 'POST',
    url: `/api/gpts/${gptId}/files`,
    headers: { ...user.auth, ...file.headers },
    payload: file.payload,
  });
};
const action = (name: string) => ({ name, url: 'https://api.example.com/things' });

function expectQuota(response: { statusCode: number; json(): unknown }, ...words: string[]) {
  expect(response.statusCode).toBe(409);
  const { error } = response.json() as { error: { code: string; message: string } };
  expect(error.code).toBe('QUOTA_EXCEEDED');
  for (const word of words) expect(error.message).toContain(word);
}

/**
 * Opens every pooled connection first: otherwise the parallel requests wait for new connections one by
 * one and run in turn anyway, and a missing lock would go unnoticed.
 */
async function warmPool() {
  await Promise.all(Array.from({ length: 4 }, () => sql`select pg_sleep(0.05)`.execute(registry.app.db)));
}

async function storedKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of registry.s3.store.list('')) keys.push(key);
  return keys.sort();
}

describe('QUOTA_GPTS', () => {
  it('refuses the 4th GPT with the limit and how to free room, leaves others alone, and frees room on delete', async () => {
    const user = await signUp(registry.app);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await createGpt(registry.app, user.auth, { name: `G${i}`, modelId: 'phi3' })).id);
    const refused = await call(user, 'POST', '/api/gpts', { name: 'One too many', modelId: 'phi3' });
    expectQuota(refused, 'You have 3 GPTs', 'limit is 3 per user', 'QUOTA_GPTS', 'Delete a GPT');
    expect((await call(user, 'GET', '/api/gpts')).json().items).toHaveLength(3);

    const other = await signUp(registry.app);
    expect((await call(other, 'POST', '/api/gpts', { name: 'Mine', modelId: 'phi3' })).statusCode).toBe(201);

    expect((await call(user, 'DELETE', `/api/gpts/${ids[0]}`)).statusCode).toBe(204);
    expect((await call(user, 'POST', '/api/gpts', { name: 'Room again', modelId: 'phi3' })).statusCode).toBe(
      201,
    );
  });

  it('lets exactly one of 10 parallel creates through at quota − 1', async () => {
    const user = await signUp(registry.app);
    for (let i = 0; i < 2; i++) await createGpt(registry.app, user.auth, { name: `G${i}`, modelId: 'phi3' });
    await warmPool();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(user, 'POST', '/api/gpts', { name: `P${i}`, modelId: 'phi3' }),
      ),
    );
    expect(answers.filter((answer) => answer.statusCode === 201)).toHaveLength(1);
    expect(answers.filter((answer) => answer.statusCode === 409)).toHaveLength(9);
    const rows = await registry.app.db
      .selectFrom('gpt')
      .select('id')
      .where('user_id', '=', user.user.id)
      .execute();
    expect(rows).toHaveLength(3);
  });
});

describe('QUOTA_API_KEYS', () => {
  it('refuses the 3rd key, counts per user, and a revoked key frees room', async () => {
    const user = await signUp(registry.app);
    const first = (await call(user, 'POST', '/api/keys', { name: 'a' })).json();
    expect((await call(user, 'POST', '/api/keys', { name: 'b' })).statusCode).toBe(201);
    expectQuota(
      await call(user, 'POST', '/api/keys', { name: 'c' }),
      'You have 2 API keys',
      'QUOTA_API_KEYS',
      'Revoke',
    );
    expect((await call(user, 'GET', '/api/keys')).json().items).toHaveLength(2);

    const other = await signUp(registry.app);
    expect((await call(other, 'POST', '/api/keys', { name: 'theirs' })).statusCode).toBe(201);

    expect((await call(user, 'DELETE', `/api/keys/${first.id}`)).statusCode).toBe(204);
    expect((await call(user, 'POST', '/api/keys', { name: 'c' })).statusCode).toBe(201);
  });

  it('keeps exactly the limit under 10 parallel creates', async () => {
    const user = await signUp(registry.app);
    await call(user, 'POST', '/api/keys', { name: 'a' });
    await warmPool();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call(user, 'POST', '/api/keys', { name: `k${i}` })),
    );
    expect(answers.filter((answer) => answer.statusCode === 201)).toHaveLength(1);
    expect((await call(user, 'GET', '/api/keys')).json().items).toHaveLength(2);
  });
});

describe('QUOTA_ACTIONS_PER_GPT', () => {
  it('refuses the 4th action of a GPT, not of another GPT, and a deleted action frees room', async () => {
    const user = await signUp(registry.app);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Doer', modelId: 'phi3' });
    const created: string[] = [];
    for (const name of ['a1', 'a2', 'a3']) {
      created.push((await call(user, 'POST', `/api/gpts/${gpt.id}/actions`, action(name))).json().id);
    }
    expectQuota(
      await call(user, 'POST', `/api/gpts/${gpt.id}/actions`, action('a4')),
      'This GPT has 3 actions',
      'limit is 3 per GPT',
      'QUOTA_ACTIONS_PER_GPT',
    );
    const second = await createGpt(registry.app, user.auth, { name: 'Doer 2', modelId: 'phi3' });
    expect((await call(user, 'POST', `/api/gpts/${second.id}/actions`, action('a1'))).statusCode).toBe(201);

    expect((await call(user, 'DELETE', `/api/gpts/actions/${created[0]}`)).statusCode).toBe(204);
    expect((await call(user, 'POST', `/api/gpts/${gpt.id}/actions`, action('a4'))).statusCode).toBe(201);
  });

  it('refuses an import that would pass the limit as a whole, importing nothing', async () => {
    const user = await signUp(registry.app);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Importer', modelId: 'phi3' });
    await call(user, 'POST', `/api/gpts/${gpt.id}/actions`, action('existing'));
    const openapi = JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'T', version: '1' },
      servers: [{ url: 'https://api.example.com' }],
      paths: {
        '/a': { get: { operationId: 'opA' } },
        '/b': { get: { operationId: 'opB' } },
        '/c': { get: { operationId: 'opC' } },
      },
    });
    const refused = await call(user, 'POST', `/api/gpts/${gpt.id}/actions/import`, { openapi });
    expectQuota(refused, 'This GPT has 1 actions and 3 more were sent', 'limit is 3 per GPT');
    expect((await call(user, 'GET', `/api/gpts/${gpt.id}/actions`)).json().items).toHaveLength(1);
  });
});

describe('QUOTA_FILES_PER_GPT and QUOTA_FILE_BYTES', () => {
  it('refuses a 3rd file of a GPT with no blob left behind, and a deleted file frees room', async () => {
    const user = await signUp(registry.app);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Reader', modelId: 'phi3' });
    const first = (await upload(user, gpt.id, 10)).json();
    expect((await upload(user, gpt.id, 10)).statusCode).toBe(202);
    const keysBefore = await storedKeys();
    expectQuota(
      await upload(user, gpt.id, 10),
      'This GPT has 2 knowledge files',
      'QUOTA_FILES_PER_GPT',
      'Delete',
    );
    expect(await storedKeys()).toEqual(keysBefore);
    expect((await call(user, 'GET', `/api/gpts/${gpt.id}/files`)).json().items).toHaveLength(2);

    expect((await call(user, 'DELETE', `/api/gpts/files/${first.id}`)).statusCode).toBe(204);
    expect((await upload(user, gpt.id, 10)).statusCode).toBe(202);
  });

  it('counts bytes over all of a user’s GPTs, refuses the file that would pass them, and stores nothing of it', async () => {
    const user = await signUp(registry.app);
    const a = await createGpt(registry.app, user.auth, { name: 'A', modelId: 'phi3' });
    const b = await createGpt(registry.app, user.auth, { name: 'B', modelId: 'phi3' });
    expect((await upload(user, a.id, 60)).statusCode).toBe(202);
    const keysBefore = await storedKeys();
    expectQuota(
      await upload(user, b.id, 50),
      'Your knowledge files take 60 bytes and this one is 50 bytes',
      'limit is 100 bytes per user',
      'QUOTA_FILE_BYTES',
    );
    expect(await storedKeys()).toEqual(keysBefore);
    // Exactly at the limit is allowed; past it, even before the body is read, nothing more is.
    expect((await upload(user, b.id, 40)).statusCode).toBe(202);
    expectQuota(await upload(user, b.id, 1), 'Your knowledge files take 100 bytes;');

    const other = await signUp(registry.app);
    const theirs = await createGpt(registry.app, other.auth, { name: 'Theirs', modelId: 'phi3' });
    expect((await upload(other, theirs.id, 100)).statusCode).toBe(202);
  });

  it('accepts exactly one of 6 parallel uploads that each fit alone, leaving no blob of the others', async () => {
    const user = await signUp(registry.app);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Race', modelId: 'phi3' });
    await warmPool();
    const answers = await Promise.all(Array.from({ length: 6 }, () => upload(user, gpt.id, 60)));
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([202, 409, 409, 409, 409, 409]);
    const accepted = answers.find((answer) => answer.statusCode === 202)!.json() as { id: string };
    const keys = (await storedKeys()).filter((key) => key.startsWith(`${user.user.id}/`));
    expect(keys).toEqual([`${user.user.id}/${gpt.id}/${accepted.id}/original`]);
  });
});

describe('QUOTA_WORKSPACES', () => {
  const createWorkspace = (user: User, name: string) => call(user, 'POST', '/api/workspaces', { name });

  it('refuses a 3rd team workspace of its owner, not one they only joined, and a deleted one frees room', async () => {
    const user = await signUp(registry.app);
    const first = (await createWorkspace(user, 'One')).json();
    expect((await createWorkspace(user, 'Two')).statusCode).toBe(201);
    expectQuota(
      await createWorkspace(user, 'Three'),
      'You own 2 team workspaces',
      'limit is 2 per user',
      'QUOTA_WORKSPACES',
      'Delete a workspace',
    );
    // Their personal workspace and the two they own; nothing of the refused one.
    expect((await call(user, 'GET', '/api/workspaces')).json().items).toHaveLength(3);
    expect((await call(user, 'GET', '/api/usage')).json().workspaces).toEqual({ used: 2, limit: 2 });

    // A workspace they were invited to is not theirs to count.
    const other = await signUp(registry.app);
    const theirs = (await createWorkspace(other, 'Theirs')).json();
    const invitation = (
      await call(other, 'POST', `/api/workspaces/${theirs.id}/invitations`, { email: user.user.email })
    ).json();
    expect((await call(user, 'POST', `/api/invitations/${invitation.token}/accept`)).statusCode).toBe(200);
    expect((await call(user, 'GET', '/api/workspaces')).json().items).toHaveLength(4);
    expect((await call(user, 'GET', '/api/usage')).json().workspaces.used).toBe(2);

    expect((await call(user, 'DELETE', `/api/workspaces/${first.id}`)).statusCode).toBe(204);
    expect((await createWorkspace(user, 'Three')).statusCode).toBe(201);
  });

  it('lets exactly one of 10 parallel creates through at quota − 1', async () => {
    const user = await signUp(registry.app);
    await createWorkspace(user, 'First');
    await warmPool();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => createWorkspace(user, `W${i}`)));
    expect(answers.filter((answer) => answer.statusCode === 201)).toHaveLength(1);
    expect(answers.filter((answer) => answer.statusCode === 409)).toHaveLength(9);
    expect((await call(user, 'GET', '/api/workspaces')).json().items).toHaveLength(3);
  });
});

describe('QUOTA_PENDING_INVITATIONS', () => {
  const invite = (user: User, workspaceId: string, email: string) =>
    call(user, 'POST', `/api/workspaces/${workspaceId}/invitations`, { email });

  it('refuses a 4th pending invitation of a workspace, not of another, and a revoked or accepted one frees room', async () => {
    const owner = await signUp(registry.app);
    const team = (await call(owner, 'POST', '/api/workspaces', { name: 'Team' })).json();
    const first = (await invite(owner, team.id, 'a@example.com')).json();
    await invite(owner, team.id, 'b@example.com');
    const joining = await signUp(registry.app);
    const third = (await invite(owner, team.id, joining.user.email)).json();
    expectQuota(
      await invite(owner, team.id, 'd@example.com'),
      'This workspace has 3 pending invitations',
      'limit is 3 per workspace',
      'QUOTA_PENDING_INVITATIONS',
      'Revoke',
    );
    expect((await call(owner, 'GET', `/api/workspaces/${team.id}/invitations`)).json().items).toHaveLength(3);

    const other = (await call(owner, 'POST', '/api/workspaces', { name: 'Other' })).json();
    expect((await invite(owner, other.id, 'd@example.com')).statusCode).toBe(201);

    expect(
      (await call(owner, 'DELETE', `/api/workspaces/${team.id}/invitations/${first.id}`)).statusCode,
    ).toBe(204);
    expect((await invite(owner, team.id, 'd@example.com')).statusCode).toBe(201);
    expect((await call(joining, 'POST', `/api/invitations/${third.token}/accept`)).statusCode).toBe(200);
    expect((await invite(owner, team.id, 'e@example.com')).statusCode).toBe(201);
  });

  it('does not count the invitations of an admin made a member (they are revoked), and keeps the limit under 10 parallel invites', async () => {
    const owner = await signUp(registry.app);
    const team = (await call(owner, 'POST', '/api/workspaces', { name: 'Team' })).json();
    const admin = await signUp(registry.app);
    const asAdmin = (
      await call(owner, 'POST', `/api/workspaces/${team.id}/invitations`, {
        email: admin.user.email,
        role: 'admin',
      })
    ).json();
    await call(admin, 'POST', `/api/invitations/${asAdmin.token}/accept`);
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com'])
      expect((await invite(admin, team.id, email)).statusCode).toBe(201);
    expect((await invite(owner, team.id, 'd@example.com')).statusCode).toBe(409);
    await call(owner, 'PUT', `/api/workspaces/${team.id}/members/${admin.user.id}`, { role: 'member' });

    await warmPool();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => invite(owner, team.id, `p${i}@example.com`)),
    );
    expect(answers.filter((answer) => answer.statusCode === 201)).toHaveLength(3);
    expect(answers.filter((answer) => answer.statusCode === 409)).toHaveLength(7);
    expect((await call(owner, 'GET', `/api/workspaces/${team.id}/invitations`)).json().items).toHaveLength(3);
  });
});

describe('GET /api/usage', () => {
  it('shows what the caller uses next to each limit, and a GPT’s files and actions with ?gptId=', async () => {
    const user = await signUp(registry.app);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Counted', modelId: 'phi3' });
    await call(user, 'POST', '/api/keys', { name: 'k' });
    await upload(user, gpt.id, 30);
    await call(user, 'POST', `/api/gpts/${gpt.id}/actions`, action('x'));
    expect((await call(user, 'GET', '/api/usage')).json()).toEqual({
      gpts: { used: 1, limit: 3 },
      apiKeys: { used: 1, limit: 2 },
      fileBytes: { used: 30, limit: 100 },
      workspaces: { used: 0, limit: 2 },
      filesPerGpt: { limit: 2 },
      actionsPerGpt: { limit: 3 },
    });
    const perGpt = (await call(user, 'GET', `/api/usage?gptId=${gpt.id}`)).json();
    expect(perGpt.filesPerGpt).toEqual({ used: 1, limit: 2 });
    expect(perGpt.actionsPerGpt).toEqual({ used: 1, limit: 3 });
    expect((await registry.app.inject({ method: 'GET', url: '/api/usage' })).statusCode).toBe(401);
  });
});
