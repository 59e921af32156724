import { sql } from 'kysely';
import type { Db } from './index.js';
import type { UserSessionRow } from './schema.js';

export async function insertSession(
  db: Db,
  session: { userId: string; userAgent: string | null; expiresAt: Date },
): Promise<UserSessionRow> {
  return db
    .insertInto('user_session')
    .values({ user_id: session.userId, user_agent: session.userAgent, expires_at: session.expiresAt })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Whether the session is live: its own, not ended, not expired, and its account not disabled. */
export async function sessionIsLive(db: Db, sessionId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('user_session')
    .innerJoin('app_user', 'app_user.id', 'user_session.user_id')
    .select('user_session.id')
    .where('user_session.id', '=', sessionId)
    .where('user_session.user_id', '=', userId)
    .where('user_session.revoked_at', 'is', null)
    .where('user_session.expires_at', '>', sql<Date>`now()`)
    .where('app_user.disabled_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** A user's live sessions, newest first. */
export async function listLiveSessions(db: Db, userId: string): Promise<UserSessionRow[]> {
  return db
    .selectFrom('user_session')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Marks sessions of `userId` ended; answers the ids it ended. */
export async function markSessionsEnded(db: Db, userId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('user_session')
    .set({ revoked_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('id', 'in', ids)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}
