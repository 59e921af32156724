import { serviceToken } from '@chatty/shared';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolNameOf, uniqueToolName } from '../../src/actions/tool-name.js';
import * as actionToolName from '../../src/db/migrations/2026_12_02_0501_action_tool_name.js';
import { createGpt, signUp, TEST_SECRET } from '../harness.js';
import { type ActionStack, startActionStack } from './action-stack.js';

let stack: ActionStack;
let owner: Awaited<ReturnType<typeof signUp>>;
beforeAll(async () => {
  stack = await startActionStack();
  owner = await signUp(stack.registry.app);
});
afterAll(() => stack.close());

const app = () => stack.registry.app;
const newGpt = async () => (await createGpt(app(), owner.auth)).id;
const create = (gptId: string, body: object) =>
  app().inject({ method: 'POST', url: `/api/gpts/${gptId}/actions`, headers: owner.auth, payload: body });
const update = (id: string, body: object) =>
  app().inject({ method: 'PUT', url: `/api/gpts/actions/${id}`, headers: owner.auth, payload: body });
/** The path and query a target received, the query as a map (its order is not the action's). */
const requestOf = (url: string) => {
  const parsed = new URL(url, 'http://target');
  return { path: parsed.pathname, query: Object.fromEntries(parsed.searchParams) };
};
const execute = (id: string, args: object = {}) =>
  app().inject({
    method: 'POST',
    url: `/api/gpts/actions/${id}/execute`,
    headers: owner.auth,
    payload: { arguments: args },
  });

/** The design document's "Adding Actions" example, word for word but for where it points. */
const documentExample = () => ({
  name: 'Get Weather',
  description: 'Get current weather information',
  url: `${stack.target.url}/v1/current.json`,
  method: 'GET',
  headers: { Authorization: 'Bearer YOUR_API_KEY' },
  parameters: { key: 'YOUR_API_KEY', q: 'London' },
  isActive: true,
});

describe("the design document's action", () => {
  it('is accepted as written: the name is a display name, the model calls it get_weather', async () => {
    const gptId = await newGpt();
    const response = await create(gptId, documentExample());
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      name: 'Get Weather',
      toolName: 'get_weather',
      method: 'GET',
      headers: { Authorization: '***' },
      arguments: [],
      isActive: true,
    });

    const run = await execute(response.json().id);
    expect(run.statusCode, run.body).toBe(200);
    const received = stack.target.received.at(-1)!;
    expect(requestOf(received.url)).toEqual({
      path: '/v1/current.json',
      query: { key: 'YOUR_API_KEY', q: 'London' },
    });
    expect(received.headers.authorization).toBe('Bearer YOUR_API_KEY');
  });

  it('with q: "{{location}}", location becomes a required string argument the call must give', async () => {
    const gptId = await newGpt();
    const response = await create(gptId, {
      ...documentExample(),
      parameters: { key: 'YOUR_API_KEY', q: '{{location}}' },
    });
    expect(response.statusCode, response.body).toBe(201);
    const action = response.json();
    expect(action.arguments).toEqual([{ name: 'location', type: 'string', description: '', required: true }]);

    const missing = await execute(action.id);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.code).toBe('MISSING_ARGUMENT');
    expect((await execute(action.id, { location: 'Paris' })).statusCode).toBe(200);
    expect(requestOf(stack.target.received.at(-1)!.url).query).toEqual({ key: 'YOUR_API_KEY', q: 'Paris' });
  });

  it('declared arguments keep their type and description; only the undeclared placeholders are added', async () => {
    const gptId = await newGpt();
    const response = await create(gptId, {
      name: 'Forecast',
      url: `${stack.target.url}/forecast/{{city}}`,
      parameters: { days: '{{days}}', lang: '{{lang}}' },
      arguments: [{ name: 'days', type: 'integer', description: 'How many days ahead', required: false }],
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().arguments).toEqual([
      { name: 'days', type: 'integer', description: 'How many days ahead', required: false },
      { name: 'city', type: 'string', description: '', required: true },
      { name: 'lang', type: 'string', description: '', required: true },
    ]);

    // An update adding a placeholder adds its argument and keeps the declared ones as they are.
    const changed = await update(response.json().id, { headers: { 'X-Units': '{{units}}' } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().arguments.map((a: { name: string }) => a.name)).toEqual([
      'days',
      'city',
      'lang',
      'units',
    ]);
  });
});

describe('tool names', () => {
  it('are unique within a GPT: a name that derives to a taken one gets a suffix; display names may repeat', async () => {
    const gptId = await newGpt();
    const names = ['Get Weather', 'get weather', 'Get-Weather!', 'Get Weather'];
    const toolNames = [];
    for (const name of names) {
      const response = await create(gptId, { ...documentExample(), name });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json().name).toBe(name);
      toolNames.push(response.json().toolName);
    }
    expect(toolNames).toEqual(['get_weather', 'get_weather_2', 'get_weather_3', 'get_weather_4']);
    // Another GPT has its own names.
    expect((await create(await newGpt(), documentExample())).json().toolName).toBe('get_weather');
  });

  it("never take the gateway's own tools' names: an action called Web Search is web_search_2", async () => {
    const gptId = await newGpt();
    const search = await create(gptId, { ...documentExample(), name: 'Web Search' });
    expect(search.statusCode, search.body).toBe(201);
    expect(search.json().toolName).toBe('web_search_2');
    const read = await create(gptId, { ...documentExample(), name: 'readWebPage' });
    expect(read.json().toolName).toBe('read_web_page_2');
    // Renaming an action to it gets the suffix too.
    const renamed = await update(read.json().id, { name: 'web search' });
    expect(renamed.json().toolName).toBe('web_search_3');
  });

  it('stay unique when one GPT gets many actions at once', async () => {
    const gptId = await newGpt();
    const responses = await Promise.all(Array.from({ length: 8 }, () => create(gptId, documentExample())));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    expect(new Set(responses.map((r) => r.json().toolName)).size).toBe(8);
  });

  it('follow a rename, and nothing else', async () => {
    const gptId = await newGpt();
    const first = (await create(gptId, documentExample())).json();
    const second = (await create(gptId, { ...documentExample(), name: 'Air Quality' })).json();
    expect(second.toolName).toBe('air_quality');

    const described = await update(second.id, { description: 'Pollution now' });
    expect(described.json().toolName).toBe('air_quality');
    // Renamed to what derives to the other action's tool name: a suffix.
    const renamed = await update(second.id, { name: 'Get weather' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Get weather', toolName: 'get_weather_2' });
    // Its own tool name does not count as taken.
    const again = await update(first.id, { name: 'GET WEATHER' });
    expect(again.json().toolName).toBe('get_weather');
  });

  it('are what the gateway is given with each action', async () => {
    const gptId = await newGpt();
    const created = (await create(gptId, { ...documentExample(), name: 'Météo du jour' })).json();
    const runtime = await app().inject({
      method: 'GET',
      url: `/internal/gpts/${gptId}/runtime?userId=${owner.user.id}`,
      headers: { 'x-service-token': serviceToken(TEST_SECRET, 'gpt-registry') },
    });
    expect(runtime.json().actions).toEqual([
      expect.objectContaining({ id: created.id, name: 'Météo du jour', toolName: 'meteo_du_jour' }),
    ]);
  });

  it.each([
    ['Get Weather', 'get_weather'],
    ['getCurrentWeather', 'get_current_weather'],
    ['HTTPStatus of a URL', 'http_status_of_a_url'],
    ['  --Crème brûlée--  ', 'creme_brulee'],
    ['天気', 'action'],
    ['x'.repeat(100), 'x'.repeat(64)],
  ])('%s → %s', (name, expected) => {
    expect(toolNameOf(name)).toBe(expected);
  });

  it('a suffix keeps a long name within 64 characters', () => {
    const taken = new Set(['x'.repeat(64)]);
    expect(uniqueToolName('x'.repeat(64), taken)).toBe(`${'x'.repeat(62)}_2`);
  });
});

describe('migration 2026_12_02_0501_action_tool_name', () => {
  it('gives existing actions the tool name the gateway called them by, so they keep working', async () => {
    const gptId = await newGpt();
    const created = (await create(gptId, { ...documentExample(), name: 'lookup_city' })).json();
    const db = app().db;
    await actionToolName.down(db);
    // A row from before, with a name the old gateway had to clean up.
    await sql`update gpt_action set name = 'weather.now' where id = ${created.id}`.execute(db);
    await actionToolName.up(db);

    const list = await app().inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/actions`,
      headers: owner.auth,
    });
    expect(list.json().items).toEqual([
      expect.objectContaining({ id: created.id, name: 'weather.now', toolName: 'weather_now' }),
    ]);
    expect((await execute(created.id)).statusCode).toBe(200);
  });
});
