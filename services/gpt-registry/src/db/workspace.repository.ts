import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './index.js';
import type { WorkspaceRole } from './schema.js';

/** Every account's own workspace, made with the account (and by the migration for older ones). */
export async function createPersonalWorkspace(db: Db, userId: string): Promise<void> {
  const workspace = await db
    .insertInto('workspace')
    .values({ name: 'Personal', personal_user_id: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('workspace_member')
    .values({ workspace_id: workspace.id, user_id: userId, role: 'owner' })
    .execute();
}

export async function createWorkspace(db: Db, userId: string, name: string) {
  return db.transaction().execute(async (trx) => {
    const workspace = await trx
      .insertInto('workspace')
      .values({ name, personal_user_id: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('workspace_member')
      .values({ workspace_id: workspace.id, user_id: userId, role: 'owner' })
      .execute();
    return { ...workspace, role: 'owner' as const, member_count: 1 };
  });
}

/** The user's workspaces with their role in each, personal first. */
export async function listWorkspaces(db: Db, userId: string) {
  return db
    .selectFrom('workspace as w')
    .innerJoin('workspace_member as m', 'm.workspace_id', 'w.id')
    .selectAll('w')
    .select([
      'm.role',
      sql<number>`(select count(*)::int from workspace_member x where x.workspace_id = w.id)`.as(
        'member_count',
      ),
    ])
    .where('m.user_id', '=', userId)
    .orderBy(sql`w.personal_user_id is null`)
    .orderBy('w.created_at')
    .orderBy('w.id')
    .execute();
}

/** The workspace with the user's role, or undefined when they are not a member (as for a missing one). */
export async function findMembership(db: Db, userId: string, workspaceId: string) {
  return (await listWorkspaces(db, userId)).find((workspace) => workspace.id === workspaceId);
}

export async function listMembers(db: Db, workspaceId: string) {
  return db
    .selectFrom('workspace_member as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.created_at')
    .orderBy('u.id')
    .execute();
}

export async function findMemberRole(db: Db, workspaceId: string, userId: string) {
  const row = await db
    .selectFrom('workspace_member')
    .select('role')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role as WorkspaceRole | undefined;
}

export async function changeMemberRole(
  db: Db,
  workspaceId: string,
  userId: string,
  role: 'admin' | 'member',
) {
  const result = await db
    .updateTable('workspace_member')
    .set({ role })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .where('role', '!=', 'owner')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function removeMember(db: Db, workspaceId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('workspace_member')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function deleteWorkspace(db: Db, workspaceId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('workspace')
    .where('id', '=', workspaceId)
    .where('personal_user_id', 'is', null)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

const hashInvitationToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new invitation; the token is returned once (only its hash is stored). */
export async function createInvitation(
  db: Db,
  input: {
    workspaceId: string;
    email: string;
    role: 'admin' | 'member';
    invitedBy: string;
    ttlHours: number;
  },
) {
  const token = randomBytes(24).toString('base64url');
  const row = await db
    .insertInto('workspace_invitation')
    .values({
      workspace_id: input.workspaceId,
      email: input.email.toLowerCase(),
      role: input.role,
      token_hash: hashInvitationToken(token),
      invited_by: input.invitedBy,
      expires_at: sql<Date>`now() + make_interval(hours => ${input.ttlHours})`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { row, token };
}

/** The invitations not yet accepted, expired ones included (so they can be seen and revoked). */
export async function listPendingInvitations(db: Db, workspaceId: string) {
  return db
    .selectFrom('workspace_invitation')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('accepted_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function deleteInvitation(db: Db, workspaceId: string, invitationId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('workspace_invitation')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function findInvitation(db: Db, token: string) {
  return db
    .selectFrom('workspace_invitation as i')
    .innerJoin('workspace as w', 'w.id', 'i.workspace_id')
    .selectAll('i')
    .select(['w.name as workspace_name', sql<boolean>`i.expires_at <= now()`.as('expired')])
    .where('i.token_hash', '=', hashInvitationToken(token))
    .executeTakeFirst();
}

/** Marks the invitation used and adds the member, at most once, in one transaction. */
export async function acceptInvitation(db: Db, invitationId: string, userId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable('workspace_invitation')
      .set({ accepted_at: sql`now()` })
      .where('id', '=', invitationId)
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .returning(['workspace_id', 'role'])
      .executeTakeFirst();
    if (!used) return false;
    await trx
      .insertInto('workspace_member')
      .values({ workspace_id: used.workspace_id, user_id: userId, role: used.role })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .execute();
    return true;
  });
}
