import type { NewestFirstPosition } from '../db/newest-first.js';
import { decodeCursor, encodeCursor } from './cursor.js';

/** A creation time as the lists write it: UTC, to the microsecond. */
const CREATED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The nextCursor of a newest-first list: where the page ended. */
export const newestFirstCursor = (position: NewestFirstPosition) =>
  encodeCursor([position.createdAt, position.id]);

/** The position a newest-first nextCursor holds; anything else is 400 INVALID_CURSOR. */
export function newestFirstPosition(cursor: string): NewestFirstPosition {
  const [createdAt, id] = decodeCursor(cursor, [isCreatedAt, (value) => UUID.test(value)]);
  return { createdAt: createdAt!, id: id! };
}

/** Also a real date: the database would answer a 30 February, or the year 0, with a 500, not a 400. */
function isCreatedAt(value: string): boolean {
  if (!CREATED_AT.test(value) || value.startsWith('0000')) return false;
  const toTheMillisecond = `${value.slice(0, 23)}Z`;
  const time = Date.parse(toTheMillisecond);
  return !Number.isNaN(time) && new Date(time).toISOString() === toTheMillisecond;
}
