import { createLogger, createServiceApp } from '@chatty/shared';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';

/*
 * A JSON body is typed: it is checked as sent, never coerced ("5" is not a number). Query strings and
 * path parameters are text: they are coerced to what the schema wants.
 */
const Fields = Type.Object(
  {
    rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    temperature: Type.Optional(Type.Number()),
    flag: Type.Optional(Type.Boolean()),
    tags: Type.Optional(Type.Array(Type.String())),
    name: Type.Optional(Type.String()),
    id: Type.Optional(Type.String({ format: 'uuid' })),
    kind: Type.String({ default: 'plain' }),
  },
  { additionalProperties: false },
);

async function echoApp() {
  const app = await createServiceApp({
    service: 'example',
    logger: createLogger({ name: 'example', level: 'silent' }),
  });
  const echo = async (request: { body?: unknown; query?: unknown; params?: unknown }) => ({
    body: request.body ?? null,
    query: request.query ?? null,
    params: request.params ?? null,
  });
  app.post('/things', { schema: { body: Fields } }, echo);
  app.get('/things', { schema: { querystring: Fields } }, echo);
  app.get('/things/:n', { schema: { params: Type.Object({ n: Type.Integer() }) } }, echo);
  return app;
}

describe('request validation by part', () => {
  it('refuses a JSON body whose value is of another type, with 400 VALIDATION_ERROR', async () => {
    const app = await echoApp();
    for (const [payload, message] of [
      [{ rating: '5' }, 'body/rating must be integer'],
      [{ temperature: '0.5' }, 'body/temperature must be number'],
      [{ flag: 'true' }, 'body/flag must be boolean'],
      [{ flag: 1 }, 'body/flag must be boolean'],
      [{ tags: 'one' }, 'body/tags must be array'],
      [{ name: 5 }, 'body/name must be string'],
      [{ rating: null }, 'body/rating must be integer'],
    ] as const) {
      const response = await app.inject({ method: 'POST', url: '/things', payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json()).toEqual({ error: { code: 'VALIDATION_ERROR', message } });
    }
    await app.close();
  });

  it('takes a typed JSON body, still drops unknown properties, fills defaults and checks formats', async () => {
    const app = await echoApp();
    const sent = { rating: 5, temperature: 0.5, flag: false, tags: ['a'], name: 'x', extra: 1 };
    const response = await app.inject({ method: 'POST', url: '/things', payload: sent });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().body).toEqual({ ...sent, extra: undefined, kind: 'plain' });
    const badId = await app.inject({ method: 'POST', url: '/things', payload: { id: 'x' } });
    expect(badId.json().error).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'body/id must match format "uuid"',
    });
    await app.close();
  });

  it('coerces the same values in a query string and a path', async () => {
    const app = await echoApp();
    const query = await app.inject({
      method: 'GET',
      url: '/things?rating=5&temperature=0.5&flag=true&tags=one&name=5',
    });
    expect(query.statusCode, query.body).toBe(200);
    expect(query.json().query).toEqual({
      rating: 5,
      temperature: 0.5,
      flag: true,
      tags: ['one'],
      name: '5',
      kind: 'plain',
    });
    const refused = await app.inject({ method: 'GET', url: '/things?rating=five' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'querystring/rating must be integer',
    });
    expect((await app.inject({ method: 'GET', url: '/things/7' })).json().params).toEqual({ n: 7 });
    expect((await app.inject({ method: 'GET', url: '/things/seven' })).statusCode).toBe(400);
    await app.close();
  });

  it('refuses, when routes are compiled, a header schema naming a header in capitals (never matched)', async () => {
    const app = await createServiceApp({
      service: 'example',
      logger: createLogger({ name: 'example', level: 'silent' }),
    });
    app.get('/guarded', { schema: { headers: Type.Object({ 'X-Token': Type.String() }) } }, async () => ({}));
    await expect(app.ready()).rejects.toThrow(/"X-Token": header names are matched in lowercase/);
    await app.close();
  });
});
