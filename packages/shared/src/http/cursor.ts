import { badRequest } from '../errors.js';

/**
 * A cursor the API did not issue. Refused rather than read as "nothing after it": an empty page
 * would tell the client the list ended when it did not.
 */
export const invalidCursor = () =>
  badRequest('INVALID_CURSOR', 'cursor is not one this API issued; start again without it');

/**
 * A keyset cursor: the sort values of a page's last row as an opaque token. It carries the values,
 * not a row to look up, so paging goes on when that row is deleted meanwhile.
 */
export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * The values of a cursor `encodeCursor` made, one per check and each passing it; anything else
 * (another encoding, other values, a cursor edited by hand) is 400 INVALID_CURSOR.
 */
export function decodeCursor(cursor: string, checks: ReadonlyArray<(value: string) => boolean>): string[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (
    !Array.isArray(values) ||
    values.length !== checks.length ||
    !values.every((value, i) => typeof value === 'string' && checks[i]!(value)) ||
    // Base64url decoding skips what is not base64: only the exact token issued is one.
    encodeCursor(values) !== cursor
  ) {
    throw invalidCursor();
  }
  return values;
}
