import { type NewestFirstPosition, olderThan, pageOf, positionAt } from '@chatty/shared';
import type { Db, MessageRow, SessionRow } from './schema.js';

// The public lists of sessions and messages, a page at a time. Keyset paging: a page ends at a position
// (sort values), not at a row to look up, so paging goes on when that row was deleted meanwhile.

/**
 * A page of the user's sessions with a GPT, newest first (by creation, as the UI lists them), after
 * `after`; `next` is where it ends when more follow.
 */
export async function listSessionPage(
  db: Db,
  userId: string,
  gptId: string,
  { limit, after }: { limit: number; after?: NewestFirstPosition | undefined },
): Promise<{ rows: SessionRow[]; next: NewestFirstPosition | undefined }> {
  let query = db
    .selectFrom('chat_session')
    .selectAll()
    .select(positionAt())
    .where('user_id', '=', userId)
    .where('gpt_id', '=', gptId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) query = query.where(olderThan(after));
  return pageOf(await query.execute(), limit);
}

/**
 * A page of a session's messages, oldest first: the newest `limit` of them, or the `limit` just before
 * the message `before` (an id). `older` is the id of the page's first message when older ones exist.
 * A message's `seq` orders a session (the two of a turn share a timestamp), so it is the key; the
 * cursor names the message, not its seq, which counts every message on the server. Undefined when
 * `before` is no message of this session (messages go only with their session).
 */
export async function listMessagePage(
  db: Db,
  sessionId: string,
  { limit, before }: { limit: number; before?: string | undefined },
): Promise<{ rows: MessageRow[]; older: string | undefined } | undefined> {
  let query = db
    .selectFrom('chat_message')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('seq', 'desc')
    .limit(limit + 1);
  if (before !== undefined) {
    const from = await db
      .selectFrom('chat_message')
      .select('seq')
      .where('id', '=', before)
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    if (!from) return undefined;
    query = query.where('seq', '<', from.seq);
  }
  const newestFirst = await query.execute();
  const rows = newestFirst.slice(0, limit).reverse();
  const oldest = rows[0];
  return { rows, older: newestFirst.length > limit && oldest ? oldest.id : undefined };
}
