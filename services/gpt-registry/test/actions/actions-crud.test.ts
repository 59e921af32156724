import { captureLogs } from '@chatty/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, signUp } from '../harness.js';
import { type ActionStack, startActionStack } from './action-stack.js';

const SECRET = 'Bearer sk-crud-secret-4f8a9c';
const API_KEY = 'key-value-7d1e2b';
const logs = captureLogs('gpt-registry');
let stack: ActionStack;
let owner: Awaited<ReturnType<typeof signUp>>;
let gptId: string;

beforeAll(async () => {
  stack = await startActionStack({ logger: logs.logger });
  owner = await signUp(stack.registry.app);
  gptId = (await createGpt(stack.registry.app, owner.auth)).id;
});
afterAll(() => stack.close());

const app = () => stack.registry.app;
const weather = () => ({
  name: 'get_weather',
  description: 'Current weather for a city',
  url: `${stack.target.url}/weather/{{city}}`,
  method: 'GET',
  headers: { Authorization: SECRET, 'X-Api-Key': API_KEY, Accept: 'application/json' },
  parameters: { units: '{{units}}' },
  arguments: [
    { name: 'city', type: 'string', description: 'City name', required: true },
    { name: 'units', type: 'string', description: 'metric or imperial' },
  ],
});

async function create(body: object) {
  return app().inject({
    method: 'POST',
    url: `/api/gpts/${gptId}/actions`,
    headers: owner.auth,
    payload: body,
  });
}
async function update(id: string, body: object) {
  return app().inject({ method: 'PUT', url: `/api/gpts/actions/${id}`, headers: owner.auth, payload: body });
}
async function storedRow(id: string) {
  return app().db.selectFrom('gpt_action').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}
async function execute(id: string, args: object) {
  return app().inject({
    method: 'POST',
    url: `/api/gpts/actions/${id}/execute`,
    headers: owner.auth,
    payload: { arguments: args },
  });
}

describe('action definitions', () => {
  let id: string;

  it('creates an action; secret headers come back as ***', async () => {
    const response = await create(weather());
    expect(response.statusCode, response.body).toBe(201);
    const action = response.json();
    id = action.id;
    expect(action).toMatchObject({
      gptId,
      name: 'get_weather',
      toolName: 'get_weather',
      method: 'GET',
      headers: { Authorization: '***', 'X-Api-Key': '***', Accept: 'application/json' },
      parameters: { units: '{{units}}' },
      isActive: true,
    });
    expect(action.arguments[1]).toEqual({
      name: 'units',
      type: 'string',
      description: 'metric or imperial',
      required: false,
    });
  });

  it('keeps secrets out of every response, encrypted in the database', async () => {
    const list = await app().inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/actions`,
      headers: owner.auth,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(1);
    const row = await storedRow(id);
    const wholeRow = JSON.stringify(row);
    for (const secret of ['sk-crud-secret-4f8a9c', API_KEY]) {
      expect(list.body).not.toContain(secret);
      expect(wholeRow).not.toContain(secret);
    }
    expect(row.secret_headers).toMatch(/^v3:0:/);
    // Nowhere in the database either, not just this row: a dump of every text column of the table.
    const dump = await sql<{ t: string }>`select gpt_action::text as t from gpt_action`.execute(app().db);
    expect(dump.rows.map((r) => r.t).join('\n')).not.toContain('sk-crud-secret');
  });

  it('an update that leaves a secret as *** keeps it, and the target receives it', async () => {
    const response = await update(id, {
      description: 'Weather now',
      headers: { Authorization: '***', 'X-Api-Key': '***', Accept: 'text/plain' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().headers).toEqual({
      Authorization: '***',
      'X-Api-Key': '***',
      Accept: 'text/plain',
    });
    const run = await execute(id, { city: 'Oslo' });
    expect(run.statusCode, run.body).toBe(200);
    const received = stack.target.received.at(-1)!;
    expect(received.headers.authorization).toBe(SECRET);
    expect(received.headers['x-api-key']).toBe(API_KEY);
    expect(received.headers.accept).toBe('text/plain');
    expect(run.body).not.toContain('sk-crud-secret');
  });

  it('an update without headers keeps every header and secret', async () => {
    const response = await update(id, { isActive: false });
    expect(response.json().headers.Authorization).toBe('***');
    await execute(id, { city: 'Bergen' });
    expect(stack.target.received.at(-1)!.headers.authorization).toBe(SECRET);
  });

  it('a new secret value replaces the old one', async () => {
    await update(id, { headers: { Authorization: 'Bearer rotated-1', 'X-Api-Key': '***' } });
    await execute(id, { city: 'Oslo' });
    expect(stack.target.received.at(-1)!.headers.authorization).toBe('Bearer rotated-1');
    await update(id, { headers: { Authorization: SECRET, 'X-Api-Key': '***' } });
  });

  it('changing the host clears the secrets unless they are given again', async () => {
    const otherHost = stack.target.url.replace('127.0.0.1', 'localhost');
    const moved = await update(id, {
      url: `${otherHost}/weather/{{city}}`,
      headers: { Authorization: '***', 'X-Api-Key': 'key-for-the-new-host', Accept: 'text/plain' },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().headers).toEqual({ 'X-Api-Key': '***', Accept: 'text/plain' });
    const row = await storedRow(id);
    expect(Object.keys(row.headers)).not.toContain('Authorization');

    const back = await update(id, { url: `${stack.target.url}/weather/{{city}}` });
    expect(back.json().headers).toEqual({ Accept: 'text/plain' });
  });

  it('never logs a secret', async () => {
    await update(id, { headers: { Authorization: SECRET, 'X-Api-Key': API_KEY } });
    await execute(id, { city: 'Oslo' });
    expect(logs.text()).toContain('action run');
    expect(logs.text()).not.toContain('sk-crud-secret');
    expect(logs.text()).not.toContain(API_KEY);
  });

  it('a tampered ciphertext fails to decrypt: 409, nothing sent; giving the secret again repairs it', async () => {
    const row = await storedRow(id);
    const raw = Buffer.from(row.secret_headers!.slice(3), 'base64url');
    raw[raw.length - 1]! ^= 0x01;
    await app()
      .db.updateTable('gpt_action')
      .set({ secret_headers: `v1:${raw.toString('base64url')}` })
      .where('id', '=', id)
      .execute();
    const before = stack.target.received.length;
    const run = await execute(id, { city: 'Oslo' });
    expect(run.statusCode).toBe(409);
    expect(run.json().error.code).toBe('ACTION_SECRETS_UNREADABLE');
    expect(stack.target.received.length).toBe(before);

    await update(id, { headers: { Authorization: SECRET, 'X-Api-Key': API_KEY } });
    expect((await execute(id, { city: 'Oslo' })).statusCode).toBe(200);
  });

  it('refuses a new action whose secret header or parameter is the mask ***, storing nothing', async () => {
    const before = (
      await app().inject({ method: 'GET', url: `/api/gpts/${gptId}/actions`, headers: owner.auth })
    ).json().items.length;
    const refused = await create({
      ...weather(),
      headers: { Authorization: '***', Accept: 'application/json' },
      parameters: { api_key: '***', units: '{{units}}' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toEqual({
      code: 'SECRET_NOT_SET',
      message: expect.stringContaining('header Authorization and the parameter api_key are "***"'),
    });
    const after = await app().inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/actions`,
      headers: owner.auth,
    });
    expect(after.json().items).toHaveLength(before);
    // A header that is no secret may read *** as any text.
    const starred = await create({ ...weather(), name: 'Starred', headers: { 'X-Note': '***' } });
    expect(starred.statusCode).toBe(201);
    await app().inject({
      method: 'DELETE',
      url: `/api/gpts/actions/${starred.json().id}`,
      headers: owner.auth,
    });
  });

  it('deletes; the action is gone', async () => {
    const response = await app().inject({
      method: 'DELETE',
      url: `/api/gpts/actions/${id}`,
      headers: owner.auth,
    });
    expect(response.statusCode).toBe(204);
    const list = await app().inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/actions`,
      headers: owner.auth,
    });
    expect(list.json().items).toEqual([]);
    expect((await update(id, { name: 'x' })).statusCode).toBe(404);
  });
});

describe('validation', () => {
  const base = () => weather();
  it('takes {{ name }} with spaces, as Mustache writes it, as the placeholder name', async () => {
    const response = await create({
      ...base(),
      name: 'spaced',
      url: `${stack.target.url}/weather/{{ city }}`,
      parameters: { units: '{{  units }}', q: 'in {{city }}' },
      arguments: [],
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().arguments.map((argument: { name: string }) => argument.name)).toEqual([
      'city',
      'units',
    ]);
    const run = await execute(response.json().id, { city: 'Oslo', units: 'metric' });
    expect(run.statusCode, run.body).toBe(200);
    expect(stack.target.received.at(-1)!.url).toBe('/weather/Oslo?q=in+Oslo&units=metric');
  });

  it.each([
    ['a relative url', { url: '/weather' }, 'INVALID_URL'],
    ['a file: url', { url: 'file:///etc/passwd' }, 'INVALID_URL'],
    ['a placeholder in the host', { url: 'http://{{city}}.example.com/' }, 'INVALID_URL'],
    ['credentials in the url', { url: 'http://u:p@example.com/' }, 'INVALID_URL'],
    ['a Host header', { headers: { Host: 'internal' } }, 'INVALID_HEADER'],
    ['an invalid header name', { headers: { 'Bad Header': 'x' } }, 'INVALID_HEADER'],
    ['a header value with a line break', { headers: { 'X-A': 'a\r\nB: c' } }, 'INVALID_HEADER'],
    ['a placeholder in a secret header', { headers: { Authorization: 'Bearer {{city}}' } }, 'INVALID_HEADER'],
    ['a method outside GET/POST/PUT/DELETE', { method: 'PATCH' }, 'VALIDATION_ERROR'],
    ['an empty name', { name: '' }, 'VALIDATION_ERROR'],
    ['a name of spaces', { name: '   ' }, 'INVALID_NAME'],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, 'VALIDATION_ERROR'],
    ['a name with a line break', { name: 'Get\nWeather' }, 'INVALID_NAME'],
    [
      'an argument declared twice',
      {
        arguments: [
          { name: 'city', type: 'string' },
          { name: 'city', type: 'number' },
        ],
      },
      'INVALID_ARGUMENTS',
    ],
    ['an unknown argument type', { arguments: [{ name: 'city', type: 'date' }] }, 'VALIDATION_ERROR'],
    [
      '{{...}} that is no placeholder in the url',
      { url: 'https://example.com/{{city-name}}' },
      'INVALID_PLACEHOLDER',
    ],
    ['empty braces in a parameter', { parameters: { q: '{{}}' } }, 'INVALID_PLACEHOLDER'],
    [
      'a placeholder starting with a digit in a header',
      { headers: { 'X-Day': '{{1day}}' } },
      'INVALID_PLACEHOLDER',
    ],
  ])('refuses %s with 400', async (_label, change, code) => {
    const response = await create({ ...base(), ...change });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toBe(code);
    if (JSON.stringify(change).includes('Authorization')) expect(response.body).not.toContain('Bearer');
    if (code === 'INVALID_PLACEHOLDER') expect(response.json().error.message).toContain('{{name}}');
  });

  it('an invalid update changes nothing', async () => {
    const created = (await create({ ...base(), name: 'stable' })).json();
    const response = await update(created.id, { url: 'ftp://example.com/' });
    expect(response.statusCode).toBe(400);
    const list = await app().inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/actions`,
      headers: owner.auth,
    });
    expect(list.json().items.find((a: { id: string }) => a.id === created.id)).toEqual(created);
  });

  it.each([
    ['a missing required argument', {}, 'MISSING_ARGUMENT'],
    ['an unknown argument', { city: 'Oslo', country: 'NO' }, 'UNKNOWN_ARGUMENT'],
    ['a wrongly typed argument', { city: 42 }, 'INVALID_ARGUMENT'],
  ])('execute refuses %s with 400', async (_label, args, code) => {
    const created = (await create({ ...base(), name: `args_${code}` })).json();
    const before = stack.target.received.length;
    const response = await execute(created.id, args);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe(code);
    expect(stack.target.received.length).toBe(before);
  });
});
