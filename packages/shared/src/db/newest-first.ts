import { sql } from 'kysely';

/**
 * Where a page of a newest-first list ends: the last row's creation time (to the microsecond, as text)
 * and id. The position itself, not a row to look up: paging goes on when that row was deleted meanwhile.
 */
export interface NewestFirstPosition {
  createdAt: string;
  id: string;
}

/**
 * Selects a row's position; a Date would cut created_at to the millisecond, and pages would skip rows.
 * `time` names another time column for lists ordered by it (a catalogue by its publication time).
 */
export const positionAt = (time = 'created_at') =>
  sql<string>`to_char(${sql.ref(time)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
    'position_at',
  );

/** The rows after `after` in (created_at, id) descending order, or (`time`, `id`) when named. */
export const olderThan = (after: NewestFirstPosition, time = 'created_at', id = 'id') =>
  sql<boolean>`(${sql.ref(time)}, ${sql.ref(id)}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`;

/**
 * The rows after `after` in (created_at, id) ascending order: the same positions and cursors serve a
 * list kept oldest first (a workspace's members, in the order they joined).
 */
export const newerThan = (after: NewestFirstPosition, time = 'created_at', id = 'id') =>
  sql<boolean>`(${sql.ref(time)}, ${sql.ref(id)}) > (${after.createdAt}::timestamptz, ${after.id}::uuid)`;

/** A page from `limit + 1` rows fetched: the first `limit`, and where they end if more follow. */
export function pageOf<Row extends { id: string; position_at: string }>(
  rows: Row[],
  limit: number,
): { rows: Row[]; next: NewestFirstPosition | undefined } {
  return pageBy(rows, limit, (row) => row.id);
}

/** `pageOf` for rows whose id is another column (`idOf` reads it). */
export function pageBy<Row extends { position_at: string }>(
  rows: Row[],
  limit: number,
  idOf: (row: Row) => string,
): { rows: Row[]; next: NewestFirstPosition | undefined } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    next: rows.length > limit && last ? { createdAt: last.position_at, id: idOf(last) } : undefined,
  };
}
