import { decodeCursor, encodeCursor } from '@chatty/shared';

// A session's olderCursor (its list of sessions pages as every newest-first list does: newestFirstCursor).
// Anything the API did not issue is 400 INVALID_CURSOR (decodeCursor), never a 500 from the database.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The olderCursor of `GET /api/sessions/:sessionId`: the id of the page's oldest message. */
export const messagesCursor = (messageId: string) => encodeCursor([messageId]);

/** The message an olderCursor names: the messages before it are the older page. */
export function messagesBefore(cursor: string): string {
  const [messageId] = decodeCursor(cursor, [(value) => UUID.test(value)]);
  return messageId!;
}
