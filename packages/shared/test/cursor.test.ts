import { AppError, decodeCursor, encodeCursor } from '@chatty/shared';
import { describe, expect, it } from 'vitest';

const anyText = () => true;
const digits = (value: string) => /^\d+$/.test(value);

/** The error `decodeCursor` throws, or undefined. */
function refusal(cursor: string, checks = [anyText, digits]) {
  try {
    decodeCursor(cursor, checks);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('keyset cursors', () => {
  it('give back the values they were made of', () => {
    const cursor = encodeCursor(['2030-01-01T00:00:00.000001Z', '42']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, [anyText, digits])).toEqual(['2030-01-01T00:00:00.000001Z', '42']);
  });

  it.each([
    ['not base64 JSON', 'hello'],
    ['empty', ''],
    ['JSON that is not a list of strings', encodeCursor(['a', 1 as unknown as string])],
    ['too few values', encodeCursor(['a'])],
    ['too many values', encodeCursor(['a', '1', 'b'])],
    ['a value failing its check', encodeCursor(['a', 'b'])],
    ['an issued cursor with padding added', `${encodeCursor(['a', '1'])}=`],
    ['an issued cursor with a stray character', `${encodeCursor(['a', '1'])}!`],
  ])('refuse %s with 400 INVALID_CURSOR', (_label, cursor) => {
    const error = refusal(cursor);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ statusCode: 400, code: 'INVALID_CURSOR' });
  });
});
