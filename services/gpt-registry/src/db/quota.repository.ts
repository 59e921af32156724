import type { Db } from './index.js';

/**
 * Runs `work` in a transaction that holds the user's row lock. Every write that a quota bounds counts
 * and inserts under it, so concurrent requests of one user take turns and cannot overshoot a limit
 * together. FOR NO KEY UPDATE, not FOR UPDATE: it still lets other rows that reference the user (their
 * foreign-key checks take KEY SHARE) be written meanwhile — chat action runs, contexts.
 */
export async function withUserLock<T>(db: Db, userId: string, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('app_user').select('id').where('id', '=', userId).forNoKeyUpdate().execute();
    return work(trx);
  });
}

const count = (value: string | number | bigint) => Number(value);

export async function countGpts(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('gpt')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return count(row.n);
}

export async function countApiKeys(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('api_key')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return count(row.n);
}

export async function countFiles(db: Db, gptId: string): Promise<number> {
  const row = await db
    .selectFrom('gpt_file')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('gpt_id', '=', gptId)
    .executeTakeFirstOrThrow();
  return count(row.n);
}

/** Bytes of every knowledge file of the user's GPTs, whatever their status: each one is stored. */
export async function sumFileBytes(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('gpt_file as f')
    .innerJoin('gpt as g', 'g.id', 'f.gpt_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('f.size'), eb.lit(0)).as('n'))
    .where('g.user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return count(row.n);
}

export async function countActions(db: Db, gptId: string): Promise<number> {
  const row = await db
    .selectFrom('gpt_action')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('gpt_id', '=', gptId)
    .executeTakeFirstOrThrow();
  return count(row.n);
}

/** Team workspaces the user owns; their personal one is not counted. */
export async function countOwnedWorkspaces(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('workspace_member as m')
    .innerJoin('workspace as w', 'w.id', 'm.workspace_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('m.user_id', '=', userId)
    .where('m.role', '=', 'owner')
    .where('w.personal_user_id', 'is', null)
    .executeTakeFirstOrThrow();
  return count(row.n);
}
