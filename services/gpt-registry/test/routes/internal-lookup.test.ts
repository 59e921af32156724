import { randomUUID } from 'node:crypto';
import { serviceToken } from '@chatty/shared';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry, TEST_SECRET } from '../harness.js';

let registry: RegistryHarness;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry.close());

const lookup = (
  payload: Record<string, unknown>,
  headers: Record<string, string> = { 'x-service-token': serviceToken(TEST_SECRET, 'gpt-registry') },
) => registry.app.inject({ method: 'POST', url: '/internal/lookup', headers, payload });

describe('POST /internal/lookup', () => {
  it("answers users' emails and roles and GPTs' names, leaving out ids that are gone", async () => {
    const admin = await signUp(registry.app);
    const user = await signUp(registry.app);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Helper', modelId: 'phi3' });
    const response = await lookup({
      userIds: [admin.user.id, user.user.id, randomUUID()],
      gptIds: [gpt.id, randomUUID()],
    });
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      users: Array<{ id: string; role: string; email: string }>;
      gpts: unknown[];
    };
    expect(body.users.find((each) => each.id === admin.user.id)).toMatchObject({
      role: 'admin',
      email: admin.email,
    });
    expect(body.users.find((each) => each.id === user.user.id)).toMatchObject({
      role: 'user',
      email: user.email,
    });
    expect(body.users).toHaveLength(2);
    expect(body.gpts).toEqual([{ id: gpt.id, name: 'Helper', userId: user.user.id }]);
    // Nothing of the password or anything else beyond the report's fields.
    expect(JSON.stringify(body)).not.toContain('password');
  });

  it('leaves out a GPT being deleted: the gateway stops its answers in flight', async () => {
    const user = await signUp(registry.app);
    const gpt = await createGpt(registry.app, user.auth, { name: 'Doomed', modelId: 'phi3' });
    await sql`update gpt set deleting_at = now() where id = ${gpt.id}`.execute(registry.app.db);
    const response = await lookup({ userIds: [], gptIds: [gpt.id] });
    expect(response.json().gpts).toEqual([]);
  });

  it('answers 400 for ids that are not UUIDs, and is invisible (404) without the service token', async () => {
    expect((await lookup({ userIds: ['nope'] })).statusCode).toBe(400);
    expect((await lookup({ userIds: [] }, {})).statusCode).toBe(404);
    expect((await lookup({ userIds: [] }, { 'x-service-token': 'guess' })).statusCode).toBe(404);
  });
});
