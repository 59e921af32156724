import { type NewestFirstPosition, olderThan, pageOf, positionAt } from '@chatty/shared';
import { sql } from 'kysely';
import { containsPattern } from './contains-pattern.js';
import { type Db, inTransaction, isUniqueViolation } from './index.js';
import type { UserRow } from './schema.js';
import { createPersonalWorkspace } from './workspace.repository.js';

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('app_user')
    .selectAll()
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
}

export class EmailTakenError extends Error {}
export class SignupClosedError extends Error {}

/**
 * Creates a user; the first one becomes admin. The role decision and the insert share a transaction
 * under an advisory lock, so two first signups at once cannot both become admin.
 */
export async function createUser(
  db: Db,
  user: { email: string; name: string | null; passwordHash: string },
  { allowSignup }: { allowSignup: boolean },
): Promise<UserRow> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('chatty.signup'))`.execute(trx);
    const existing = await trx
      .selectFrom('app_user')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    const isFirst = Number(existing.count) === 0;
    if (!isFirst && !allowSignup) throw new SignupClosedError();
    return insertUser(trx, { ...user, role: isFirst ? 'admin' : 'user' });
  });
}

export async function setPasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('app_user').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/** Every account, oldest first (an admin's list). */
/** A page of accounts, newest first; with `q`, those whose email or name holds it (any case). */
export async function listUsers(
  db: Db,
  { limit, after, q }: { limit: number; after?: NewestFirstPosition; q?: string },
) {
  let query = db
    .selectFrom('app_user')
    .selectAll()
    .select(positionAt())
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) query = query.where(olderThan(after));
  if (q) {
    const pattern = containsPattern(q);
    query = query.where(sql<boolean>`(email ilike ${pattern} or name ilike ${pattern})`);
  }
  return pageOf(await query.execute(), limit);
}

/**
 * Creates an account as an admin does (directly, or through an invitation): whatever ALLOW_SIGNUP
 * says, with the role the admin chose, and its personal workspace in the same transaction.
 */
export async function insertUser(
  db: Db,
  user: { email: string; name: string | null; passwordHash: string; role: 'admin' | 'user' },
): Promise<UserRow> {
  return inTransaction(db, async (trx) => {
    try {
      const row = await trx
        .insertInto('app_user')
        .values({
          email: user.email.toLowerCase(),
          name: user.name,
          password_hash: user.passwordHash,
          role: user.role,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await createPersonalWorkspace(trx, row.id);
      return row;
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenError();
      throw error;
    }
  });
}

export async function updateUserAccess(
  db: Db,
  userId: string,
  change: { role?: 'admin' | 'user'; disabled?: boolean },
): Promise<UserRow | undefined> {
  return db
    .updateTable('app_user')
    .set({
      ...(change.role && { role: change.role }),
      ...(change.disabled !== undefined && { disabled_at: change.disabled ? sql<Date>`now()` : null }),
    })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}
