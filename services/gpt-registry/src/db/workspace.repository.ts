import { createHash, randomBytes } from 'node:crypto';
import { type NewestFirstPosition, newerThan, pageOf, positionAt } from '@chatty/shared';
import { sql } from 'kysely';
import { inTransaction } from './in-transaction.js';
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
  return inTransaction(db, async (trx) => {
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

/** Workspaces with the member's role and head count, for one user (`m` is their membership). */
const workspacesWithRole = (db: Db, userId: string) =>
  db
    .selectFrom('workspace as w')
    .innerJoin('workspace_member as m', 'm.workspace_id', 'w.id')
    .selectAll('w')
    .select([
      'm.role',
      sql<number>`(select count(*)::int from workspace_member x where x.workspace_id = w.id)`.as(
        'member_count',
      ),
    ])
    .where('m.user_id', '=', userId);

/** The user's workspaces with their role in each, personal first. */
export async function listWorkspaces(db: Db, userId: string) {
  return workspacesWithRole(db, userId)
    .orderBy(sql`w.personal_user_id is null`)
    .orderBy('w.created_at')
    .orderBy('w.id')
    .execute();
}

/** The workspace with the user's role, or undefined when they are not a member (as for a missing one). */
export async function findMembership(db: Db, userId: string, workspaceId: string) {
  return workspacesWithRole(db, userId).where('w.id', '=', workspaceId).executeTakeFirst();
}

/** A page of the workspace's members in the order they joined (the owner first), after `after`. */
export async function listMembers(
  db: Db,
  workspaceId: string,
  page: { limit: number; after?: NewestFirstPosition | undefined },
) {
  let query = db
    .selectFrom('workspace_member as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'm.created_at', positionAt('m.created_at')])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.created_at')
    .orderBy('m.user_id')
    .limit(page.limit + 1);
  if (page.after) query = query.where(newerThan(page.after, 'm.created_at', 'm.user_id'));
  return pageOf(await query.execute(), page.limit);
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

/**
 * Changes a member's role; made a member, they may no longer invite, so the invitations to the
 * workspace they made and that are still pending are revoked with it (in one transaction).
 */
export async function changeMemberRole(
  db: Db,
  workspaceId: string,
  userId: string,
  role: 'admin' | 'member',
) {
  return inTransaction(db, async (trx) => {
    const result = await trx
      .updateTable('workspace_member')
      .set({ role })
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .where('role', '!=', 'owner')
      .executeTakeFirst();
    if (role === 'member') await revokeInvitationsBy(trx, workspaceId, userId);
    return result.numUpdatedRows > 0n;
  });
}

/** Removes a member (or they leave); the invitations to the workspace they made and still pending go too. */
export async function removeMember(db: Db, workspaceId: string, userId: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const result = await trx
      .deleteFrom('workspace_member')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    await revokeInvitationsBy(trx, workspaceId, userId);
    return result.numDeletedRows > 0n;
  });
}

/** Revokes (deletes, as revoking one by hand does) the pending invitations `userId` made to the workspace. */
async function revokeInvitationsBy(db: Db, workspaceId: string, userId: string): Promise<void> {
  await db
    .deleteFrom('workspace_invitation')
    .where('workspace_id', '=', workspaceId)
    .where('invited_by', '=', userId)
    .where('accepted_at', 'is', null)
    .execute();
}

/**
 * A condition on a workspace invitation (SQL alias `invitation`): the one who made it may still make it
 * — an owner, or an admin for a member's invitation — and their account is not disabled. Demoting,
 * removing or leaving also deletes the pending invitations (above); this holds for older ones and for
 * an account disabled meanwhile, as an admin's account invitations do (account-invitation.repository.ts).
 */
const inviterMayInvite = (invitation: string) => {
  const column = (name: string) => sql.ref(`${invitation}.${name}`);
  return sql<boolean>`exists (select 1 from workspace_member inviter_member
    join app_user inviter on inviter.id = inviter_member.user_id
    where inviter_member.workspace_id = ${column('workspace_id')}
      and inviter_member.user_id = ${column('invited_by')}
      and (inviter_member.role = 'owner' or (inviter_member.role = 'admin' and ${column('role')} = 'member'))
      and inviter.disabled_at is null)`;
};

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

/**
 * The invitations not yet accepted, expired ones included (so they can be seen and revoked); not those
 * whose inviter may no longer invite (they are revoked).
 */
export async function listPendingInvitations(db: Db, workspaceId: string) {
  return db
    .selectFrom('workspace_invitation as i')
    .selectAll('i')
    .where('i.workspace_id', '=', workspaceId)
    .where('i.accepted_at', 'is', null)
    .where(inviterMayInvite('i'))
    .orderBy('i.created_at', 'desc')
    .execute();
}

/**
 * The invitations listed as pending (listPendingInvitations), counted under a lock of the workspace's
 * row, so that concurrent invitations take turns and cannot pass a limit together. Only within `trx`.
 */
export async function countPendingInvitationsLocked(trx: Db, workspaceId: string): Promise<number> {
  await trx.selectFrom('workspace').select('id').where('id', '=', workspaceId).forNoKeyUpdate().execute();
  const row = await trx
    .selectFrom('workspace_invitation as i')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('i.workspace_id', '=', workspaceId)
    .where('i.accepted_at', 'is', null)
    .where(inviterMayInvite('i'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
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

/**
 * The invitation a token names; undefined when unknown or revoked (still pending while its inviter may
 * no longer invite; a used one stays found, to answer that it was used).
 */
export async function findInvitation(db: Db, token: string) {
  return db
    .selectFrom('workspace_invitation as i')
    .innerJoin('workspace as w', 'w.id', 'i.workspace_id')
    .selectAll('i')
    .select(['w.name as workspace_name', sql<boolean>`i.expires_at <= now()`.as('expired')])
    .where('i.token_hash', '=', hashInvitationToken(token))
    .where(sql<boolean>`(i.accepted_at is not null or ${inviterMayInvite('i')})`)
    .executeTakeFirst();
}

/**
 * Marks the invitation used and adds the member, at most once, in one transaction; false when it was
 * used, expired or revoked meanwhile (a demotion deleting it waits for, or is waited for by, this).
 */
export async function acceptInvitation(db: Db, invitationId: string, userId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable('workspace_invitation as i')
      .set({ accepted_at: sql`now()` })
      .where('i.id', '=', invitationId)
      .where('i.accepted_at', 'is', null)
      .where('i.expires_at', '>', sql<Date>`now()`)
      .where(inviterMayInvite('i'))
      .returning(['i.workspace_id', 'i.role'])
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
