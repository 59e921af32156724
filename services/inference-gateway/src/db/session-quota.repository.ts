import { sql } from 'kysely';
import type { Db, SessionRow } from './schema.js';

export class SessionQuotaError extends Error {
  constructor(
    readonly used: number,
    readonly limit: number,
  ) {
    super(
      `You have ${used} chat sessions and the limit is ${limit} per user (QUOTA_SESSIONS). ` +
        'Delete sessions you no longer need to make room.',
    );
  }
}

export async function countSessions(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('chat_session')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Starts a session unless the user already has `limit`. The count and the insert share a transaction
 * under a per-user advisory lock — the gateway has no user row to lock (users live in the registry) —
 * so parallel requests take turns and cannot overshoot the limit together.
 */
export async function insertSessionUnderQuota(
  db: Db,
  userId: string,
  gptId: string,
  limit: number,
  gptExists: () => Promise<void>,
): Promise<SessionRow> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`chatty.session-quota:${userId}`}, 0))`.execute(
      trx,
    );
    // Under the GPT's lock, which deleting its sessions takes too: a GPT deleted meanwhile is either
    // seen as gone here (404), or its delete waits for this insert and takes the new session with it.
    await lockGptSessions(trx, gptId);
    await gptExists();
    const used = await countSessions(trx, userId);
    if (used >= limit) throw new SessionQuotaError(used, limit);
    return trx
      .insertInto('chat_session')
      .values({ user_id: userId, gpt_id: gptId })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** The lock that orders starting a session of a GPT against deleting the GPT's sessions. */
export async function lockGptSessions(db: Db, gptId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`chatty.gpt-sessions:${gptId}`}, 0))`.execute(db);
}
