import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Db } from './index.js';
import type { AccountInvitationTable, UserRow } from './schema.js';
import { findUserByEmail, insertUser } from './user.repository.js';

export type AccountInvitationRow = Selectable<AccountInvitationTable>;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class InvitationEmailTakenError extends Error {}

/**
 * A new invitation for `email`; earlier ones for the same address that are still pending are revoked,
 * so only the newest link works. The token is returned here only: the row keeps its hash.
 */
export async function createAccountInvitation(
  db: Db,
  input: { email: string; name: string | null; role: 'admin' | 'user'; invitedBy: string; ttlHours: number },
): Promise<{ row: AccountInvitationRow; token: string }> {
  const email = input.email.trim().toLowerCase();
  const token = randomBytes(24).toString('base64url');
  return db.transaction().execute(async (trx) => {
    // Serialises invitations and acceptances for one address, so the checks below hold.
    await sql`select pg_advisory_xact_lock(hashtext('chatty.account-invitation'), hashtext(${email}))`.execute(
      trx,
    );
    if (await findUserByEmail(trx, email)) throw new InvitationEmailTakenError();
    await trx
      .updateTable('account_invitation')
      .set({ revoked_at: sql<Date>`now()` })
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    const row = await trx
      .insertInto('account_invitation')
      .values({
        email,
        name: input.name,
        role: input.role,
        token_hash: hashToken(token),
        invited_by: input.invitedBy,
        expires_at: sql<Date>`now() + make_interval(hours => ${input.ttlHours})`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { row, token };
  });
}

/** Invitations neither used nor revoked, expired ones included (so they can be seen and revoked). */
export async function listPendingAccountInvitations(db: Db): Promise<AccountInvitationRow[]> {
  return db
    .selectFrom('account_invitation')
    .selectAll()
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

/** Revokes a pending invitation; false when there is none with that id (or it was used). */
export async function revokeAccountInvitation(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('account_invitation')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Whether an invitation can be used, or why not. */
export type InvitationState = 'usable' | 'used' | 'revoked' | 'expired';
/** Why a token cannot make an account. */
export type InvitationRefusal = Exclude<InvitationState, 'usable'> | 'unknown';

export interface FoundInvitation {
  row: AccountInvitationRow;
  state: InvitationState;
}

/**
 * The invitation a token names, with whether it can still be used. One whose inviter is no longer an
 * active admin counts as revoked: demoting or disabling an admin voids the links they handed out.
 */
export async function findAccountInvitation(db: Db, token: string): Promise<FoundInvitation | undefined> {
  const row = await db
    .selectFrom('account_invitation as i')
    .leftJoin('app_user as inviter', 'inviter.id', 'i.invited_by')
    .selectAll('i')
    .select([
      sql<boolean>`i.expires_at <= now()`.as('expired'),
      sql<boolean>`coalesce(inviter.role = 'admin' and inviter.disabled_at is null, false)`.as(
        'inviter_active',
      ),
    ])
    .where('i.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return undefined;
  const { expired, inviter_active, ...invitation } = row;
  const state: InvitationState = invitation.accepted_at
    ? 'used'
    : invitation.revoked_at || !inviter_active
      ? 'revoked'
      : expired
        ? 'expired'
        : 'usable';
  return { row: invitation, state };
}

/**
 * Uses the invitation: the account is made (with the invited email and role, and its personal
 * workspace) and the invitation marked used, in one transaction, at most once. Answers the state that
 * stopped it, or the new account.
 */
export async function acceptAccountInvitation(
  db: Db,
  token: string,
  account: { name: string | null; passwordHash: string },
) {
  return db
    .transaction()
    .execute(async (trx): Promise<{ refused: InvitationRefusal } | { user: UserRow }> => {
      const found = await findAccountInvitation(trx, token);
      if (!found) return { refused: 'unknown' };
      await sql`select pg_advisory_xact_lock(hashtext('chatty.account-invitation'), hashtext(${found.row.email}))`.execute(
        trx,
      );
      // Read again under the lock: a concurrent acceptance or revocation is seen here.
      const current = await findAccountInvitation(trx, token);
      if (!current) return { refused: 'unknown' };
      if (current.state !== 'usable') return { refused: current.state };
      const user = await insertUser(trx, {
        email: current.row.email,
        name: account.name ?? current.row.name,
        passwordHash: account.passwordHash,
        role: current.row.role,
      });
      await trx
        .updateTable('account_invitation')
        .set({ accepted_at: sql<Date>`now()`, accepted_user_id: user.id })
        .where('id', '=', current.row.id)
        .execute();
      return { user };
    });
}
