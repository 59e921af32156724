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
/** A page of a list: `nextCursor`, when more follow, is passed back as `cursor` for the next page. */
export const ItemPage = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Optional(Type.String()) });
/** `cursor`: the nextCursor of the previous page, as it was given. */
export const PageCursor = Type.Optional(
  Type.String({ description: 'nextCursor of the previous page, as it was given' }),
);
