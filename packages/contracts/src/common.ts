import Type, { type TSchema } from 'typebox';

export const ErrorResponse = Type.Object(
  { error: Type.Object({ code: Type.String(), message: Type.String() }) },
  { $id: 'ErrorResponse', description: 'Every 4xx/5xx answer' },
);

export const Uuid = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time' });
export const IdParams = Type.Object({ id: Uuid });

/** `ErrorResponse` for each listed status, ready to spread into a route's `response` schema. */
export function errorResponses<const S extends readonly number[]>(
  ...statuses: S
): { [K in S[number]]: typeof ErrorResponse } {
  return Object.fromEntries(statuses.map((status) => [status, ErrorResponse])) as {
    [K in S[number]]: typeof ErrorResponse;
  };
}

/** An answer with no body (204). */
export const NoContent = Type.Null();

/** `{items: [...]}`: the shape of every list that is not paged. */
export const ItemList = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });
