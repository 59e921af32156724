import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as accountInvitations from '../../src/db/migrations/2026_12_03_0101_account_invitations.js';
import { type RegistryHarness, signUp, startRegistry } from '../harness.js';

let registry: RegistryHarness;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry.close());

describe('migration 2026_12_03_0101_account_invitations', () => {
  it('gives accounts an admin created before it their personal workspace, and leaves the others alone', async () => {
    const admin = await signUp(registry.app);
    const created = await registry.app.inject({
      method: 'POST',
      url: '/api/admin/users',
      headers: admin.auth,
      payload: { email: `made-${Date.now()}@example.com`, password: 'first password' },
    });
    expect(created.statusCode).toBe(201);
    const userId = created.json().id as string;
    const db = registry.app.db;
    // As an admin-created account was before: no personal workspace.
    await db.deleteFrom('workspace').where('personal_user_id', '=', userId).execute();

    await accountInvitations.down(db);
    await accountInvitations.up(db);

    const personal = async (id: string) =>
      db
        .selectFrom('workspace as w')
        .innerJoin('workspace_member as m', 'm.workspace_id', 'w.id')
        .select(['w.id', 'm.role'])
        .where('w.personal_user_id', '=', id)
        .where('m.user_id', '=', id)
        .execute();
    expect(await personal(userId)).toEqual([expect.objectContaining({ role: 'owner' })]);
    expect(await personal(admin.user.id)).toHaveLength(1);
    const { rows } = await sql<{
      count: number;
    }>`select count(*)::int as count from account_invitation`.execute(db);
    expect(rows[0]!.count).toBe(0);
  });
});
