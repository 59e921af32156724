import { decodeCursor, encodeCursor } from '@chatty/shared';

// A session's olderCursor (its list of sessions pages as every newest-first list does: newestFirstCursor).
// Anything the API did not issue is 400 INVALID_CURSOR (decodeCursor), never a 500 from the database.

/** A message's seq: a positive bigint, no leading zero (so one issued cursor per value). */
const SEQ = /^[1-9]\d{0,18}$/;
const MAX_BIGINT = 2n ** 63n - 1n;

/** The olderCursor of `GET /api/sessions/:sessionId`: the seq of the page's oldest message. */
export const messagesCursor = (seq: string) => encodeCursor([seq]);

/** The seq an olderCursor holds: the messages before it are the older page. */
export function messagesBefore(cursor: string): string {
  const [seq] = decodeCursor(cursor, [(value) => SEQ.test(value) && BigInt(value) <= MAX_BIGINT]);
  return seq!;
}
