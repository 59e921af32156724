import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayHarness, newSession, post, startGateway, userWithGpt } from './harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGateway([{ models: ['phi3'] }], { QUOTA_SESSIONS: '3' });
});
afterAll(() => harness.close());

const start = (owner: { auth: Record<string, string>; gptId: string }) =>
  post(`${harness.url}/api/gpts/${owner.gptId}/sessions`, owner.auth, {});

async function sessionsOf(userId: string): Promise<number> {
  const rows = await harness.gateway.chatDb
    .selectFrom('chat_session')
    .select('id')
    .where('user_id', '=', userId)
    .execute();
  return rows.length;
}

describe('QUOTA_SESSIONS', () => {
  it('refuses the 4th session with the limit and how to free room; deleting one frees room', async () => {
    const owner = await userWithGpt(harness);
    const ids = [
      await newSession(harness, owner),
      await newSession(harness, owner),
      await newSession(harness, owner),
    ];
    const refused = await start(owner);
    expect(refused.status).toBe(409);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('QUOTA_EXCEEDED');
    expect(error.message).toContain('You have 3 chat sessions and the limit is 3 per user (QUOTA_SESSIONS)');
    expect(error.message).toContain('Delete sessions');
    expect(await sessionsOf(owner.user.id)).toBe(3);

    const usage = await fetch(`${harness.url}/api/sessions/usage`, { headers: owner.auth });
    expect(await usage.json()).toEqual({ sessions: { used: 3, limit: 3 } });

    const deleted = await fetch(`${harness.url}/api/sessions/${ids[0]}`, {
      method: 'DELETE',
      headers: owner.auth,
    });
    expect(deleted.status).toBe(204);
    expect((await start(owner)).status).toBe(201);
  });

  it('counts each user alone, and another user’s GPT is still 404', async () => {
    const full = await userWithGpt(harness);
    for (let i = 0; i < 3; i++) await newSession(harness, full);
    const other = await userWithGpt(harness);
    expect((await start(other)).status).toBe(201);
    const theirs = await start({ auth: other.auth, gptId: full.gptId });
    expect(theirs.status).toBe(404);
    expect(await sessionsOf(other.user.id)).toBe(1);
  });

  it('lets exactly one of 10 parallel starts through at quota − 1', async () => {
    const owner = await userWithGpt(harness);
    await newSession(harness, owner);
    await newSession(harness, owner);
    // Every pooled connection open first, so the requests really run at once.
    await Promise.all(
      Array.from({ length: 4 }, () => sql`select pg_sleep(0.05)`.execute(harness.gateway.chatDb)),
    );
    const answers = await Promise.all(Array.from({ length: 10 }, () => start(owner)));
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(9);
    expect(await sessionsOf(owner.user.id)).toBe(3);
  });
});
