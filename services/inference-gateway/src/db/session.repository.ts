import type { ActionCall, Citation, WebSearchRecord } from '@chatty/contracts';
import { AppError, preparedStatement } from '@chatty/shared';
import { sql } from 'kysely';
import type { Db, MessageRow, SessionRow } from './schema.js';
import { lockGptSessions } from './session-quota.repository.js';

/** The session when it is the user's; another user's session is as absent as a missing one. */
export async function findSession(db: Db, userId: string, id: string): Promise<SessionRow | undefined> {
  return db
    .selectFrom('chat_session')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function deleteSession(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('chat_session')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Every session of a GPT goes with it (the registry calls this when a GPT is deleted), under the lock
 * a new session of the GPT takes, so one started meanwhile is either refused or deleted here.
 */
export async function deleteSessionsOfGpt(db: Db, gptId: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await lockGptSessions(trx, gptId);
    const result = await trx.deleteFrom('chat_session').where('gpt_id', '=', gptId).executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}

/** A session and the role and text of its messages, oldest first: what a new turn reads of it. */
export interface SessionWithHistory {
  session: SessionRow;
  history: Array<Pick<MessageRow, 'role' | 'content'>>;
}

const sessionWithHistoryStatement = preparedStatement((db: Db, userId: string, id: string) =>
  db
    .selectFrom('chat_session as s')
    .select(['s.id', 's.user_id', 's.gpt_id', 's.created_at', 's.updated_at'])
    .select(
      sql<SessionWithHistory['history']>`coalesce((
        select json_agg(json_build_object('role', m.role, 'content', m.content) order by m.seq)
        from chat_message m where m.session_id = s.id), '[]'::json)`.as('history'),
    )
    .where('s.id', '=', id)
    .where('s.user_id', '=', userId)
    .compile(),
);

/**
 * The session when it is the user's, with its history, in one round trip: only the columns a prompt
 * needs, and no other user's messages are ever read.
 */
export async function findSessionWithHistory(
  db: Db,
  userId: string,
  id: string,
): Promise<SessionWithHistory | undefined> {
  // Every turn reads it: compiled once, and planned once per connection.
  const [row] = (await db.executeQuery(sessionWithHistoryStatement(db, userId, id))).rows;
  if (!row) return undefined;
  const { history, ...session } = row;
  return { session, history };
}

export interface CompletedTurn {
  question: string;
  answer: string;
  model: string;
  citations: Citation[];
  actionCalls: ActionCall[];
  /** Web searches made while answering (none unless the GPT has web search on). */
  searches?: WebSearchRecord[];
}

/**
 * Stores a finished turn, question and answer together, so a failed or abandoned generation leaves
 * no half of it behind. Answers the stored assistant message. One statement, so one round trip: the
 * two rows go in one INSERT (in this order, so the question's `seq` is the lower) and the session's
 * `updated_at` is touched by a CTE of the same statement.
 */
export async function appendTurn(db: Db, sessionId: string, turn: CompletedTurn): Promise<MessageRow> {
  const rows = await db
    .with('touched', (query) =>
      query.updateTable('chat_session').set({ updated_at: sql`now()` }).where('id', '=', sessionId),
    )
    .insertInto('chat_message')
    .values([
      {
        session_id: sessionId,
        role: 'user',
        content: turn.question,
        model: null,
        citations: null,
        action_calls: null,
        web_searches: null,
      },
      {
        session_id: sessionId,
        role: 'assistant',
        content: withoutNul(turn.answer),
        model: turn.model,
        citations: turn.citations.length ? jsonWithoutNul(turn.citations) : null,
        action_calls: turn.actionCalls.length ? jsonWithoutNul(turn.actionCalls) : null,
        web_searches: turn.searches?.length ? jsonWithoutNul(turn.searches) : null,
      },
    ])
    .returningAll()
    .execute()
    .catch((error) => {
      // The session (or its GPT, which takes its sessions along) was deleted while it was answered.
      if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION)
        throw new AppError(404, 'NOT_FOUND', 'Session not found: it was deleted while it was being answered');
      throw error;
    });
  return rows.find((row) => row.role === 'assistant')!;
}

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Postgres text and jsonb cannot hold U+0000. A caller's NUL is refused at the door (refuseNulPlugin);
 * one a model or an action's target produced becomes U+FFFD rather than losing the turn.
 */
const withoutNul = (text: string) => text.replaceAll('\0', '\uFFFD');
const jsonWithoutNul = (value: unknown) =>
  JSON.stringify(value, (_key, each) => (typeof each === 'string' ? withoutNul(each) : each));
