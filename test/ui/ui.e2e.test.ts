import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  databaseUrl,
  dropDatabase,
  launchBrowser,
  type OllamaChatRequest,
  type OllamaReply,
  type OllamaTestServer,
  openPage,
  reportOpenPages,
  type SearxngTestServer,
  startOllamaServer,
  startSearxngServer,
  testDatabaseName,
  tokensOf,
  type WatchedPage,
} from '@chatty/testkit';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type StartedStack, startStack, withFreePorts } from '../start-harness.js';

const OUTPUT = fileURLToPath(new URL('../../test-output/ui/', import.meta.url));
const database = testDatabaseName('ui');
let stack: StartedStack;
let browser: Browser;
let origin: string;
let view: WatchedPage;
let ollama: OllamaTestServer;
let weather: Server;
let searx: SearxngTestServer;
const weatherCalls: string[] = [];

const FACT = 'The launch code is PURPLE-42.';
const HOSTILE_ANSWER =
  'Here is an image: <img src=x onerror="window.__xss=2"> and a [link](javascript:alert(1)).';

/**
 * Opens a collapsed panel (a <details>) by its summary until the field it holds shows. Once, on a loaded
 * machine, the panel stayed shut after the click (the field present but hidden for 30 s); the test is
 * about sharing, not about that click, so it clicks again.
 */
async function openPanel(page: Page, summary: RegExp, field: string) {
  for (let tries = 0; tries < 3; tries++) {
    await page.getByText(summary).click();
    const shown = await page
      .getByLabel(field)
      .waitFor({ state: 'visible', timeout: 5000 })
      .then(() => true)
      .catch(() => false);
    if (shown) return;
  }
  throw new Error(`the panel ${summary} never showed ${field}`);
}

/**
 * More conversations than a page (50) and a chat longer than one (100 messages): the list ends with
 * "Load more", the chat begins with "Show earlier messages". Sessions are made through the API; the
 * messages in SQL, as sixty turns through the model would take long.
 */
async function pastOnePage(page: Page) {
  const [, gptId] = /#\/chat\/([\w-]+)\//.exec(page.url())!;
  const token = await page.evaluate('localStorage.getItem("chatty.token")');
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const started = await Promise.all(
    Array.from({ length: 50 }, () =>
      fetch(`${origin}/api/gpts/${gptId}/sessions`, { method: 'POST', headers, body: '{}' }),
    ),
  );
  expect(started.map((response) => response.status)).toEqual(started.map(() => 201));
  const longChat = ((await started[0]!.json()) as { id: string }).id;
  const db = new pg.Client({ connectionString: databaseUrl(database) });
  await db.connect();
  await db
    .query(
      `insert into chat_message (session_id, role, content)
       select $1, case when n % 2 = 1 then 'user' else 'assistant' end, 'Old message ' || n
       from generate_series(1, 120) n order by n`,
      [longChat],
    )
    .finally(() => db.end());
  const all = (await (await fetch(`${origin}/api/gpts/${gptId}/sessions?limit=100`, { headers })).json()) as {
    items: unknown[];
  };

  // Reloaded: the list of conversations on screen was read before these were made.
  await page.goto(`${origin}/#/chat/${gptId}/${longChat}`);
  await page.reload();
  await page.getByText('Old message 120', { exact: true }).waitFor();
  expect(await page.getByText('Old message 1', { exact: true }).count()).toBe(0);
  await page.getByRole('button', { name: 'Show earlier messages' }).click();
  await page.getByText('Old message 1', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Show earlier messages' }).waitFor({ state: 'detached' });

  const conversations = page.getByRole('complementary', { name: 'Conversations' });
  const more = conversations.getByRole('button', { name: 'Load more' });
  await more.waitFor();
  // "New chat" and the first page of 50.
  expect(await conversations.getByRole('link').count()).toBe(51);
  await more.click();
  await conversations.getByRole('link').nth(all.items.length).waitFor();
  expect(await conversations.getByRole('link').count()).toBe(all.items.length + 1);
  await more.waitFor({ state: 'detached' });
  await view.screenshot('earlier-messages-and-more-conversations');
}

/** The scripted model: a tool call when asked about weather, the tool's result after it, else the fact. */
function answer(request: OllamaChatRequest): OllamaReply {
  const messages = request.messages ?? [];
  const last = messages.at(-1);
  if (last?.role === 'tool' && last.tool_name === 'web_search') {
    return { tokens: tokensOf(`Paris has many museums, says ${/^(https:\S+)$/m.exec(last.content)?.[1]}.`) };
  }
  if (last?.role === 'tool') {
    if (last.content.includes('booked')) return { tokens: tokensOf('Your table is booked.') };
    return { tokens: tokensOf(`It is ${JSON.parse(last.content).temperature} degrees in Paris.`) };
  }
  const question = [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
  if (/book/i.test(question) && request.tools?.length) {
    return { toolCalls: [{ name: 'book_table', arguments: { city: 'Paris' } }] };
  }
  if (
    /search the web/i.test(question) &&
    request.tools?.some((tool) => tool.function.name === 'web_search')
  ) {
    return { toolCalls: [{ name: 'web_search', arguments: { query: 'Paris museums' } }] };
  }
  if (/weather/i.test(question) && request.tools?.length) {
    return { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] };
  }
  if (/image/i.test(question)) return { tokens: tokensOf(HOSTILE_ANSWER) };
  const knows = messages.some((message) => message.content.includes('PURPLE-42'));
  return { tokens: tokensOf(knows ? `According to the handbook: ${FACT}` : 'I do not know.') };
}

beforeAll(async () => {
  ollama = await startOllamaServer({
    models: ['deepseek-coder', 'mistral', 'phi3'],
    tokenDelayMs: 40,
    reply: answer,
  });
  weather = createServer((request, response) => {
    weatherCalls.push(`${request.method} ${request.url ?? ''}`);
    response.writeHead(200, { 'content-type': 'application/json' });
    if (request.url?.startsWith('/book')) return response.end(JSON.stringify({ booked: true }));
    response.end(JSON.stringify({ city: 'Paris', temperature: 21 }));
  });
  await new Promise<void>((resolve) => weather.listen(0, '127.0.0.1', resolve));
  searx = await startSearxngServer({
    results: () => [
      { url: 'https://example.org/paris-museums', title: 'Museums of Paris', content: 'Many.' },
    ],
  });
  const env = await withFreePorts({
    SEARXNG_URL: searx.url,
    DATABASE_URL: databaseUrl(database),
    OLLAMA_URLS: ollama.url,
    ACTION_EGRESS_ALLOW: `127.0.0.1:${(weather.address() as AddressInfo).port}`,
  });
  origin = `http://127.0.0.1:${env.PORT}`;
  stack = startStack(env);
  await stack.waitFor('[start] Chatty is ready', 150_000);
  browser = await launchBrowser();
  rmSync(OUTPUT, { recursive: true, force: true });
  view = await openPage(browser, OUTPUT);
}, 180_000);

// A step that fails leaves what every page showed, and what the API answered it, in the log.
afterEach(async ({ task }) => {
  if (task.result?.state !== 'fail' || !browser) return;
  process.stderr.write(`${await reportOpenPages(browser, OUTPUT, task.name)}\n`);
});

afterAll(async () => {
  await browser?.close();
  stack?.child.kill('SIGINT');
  await stack?.exited;
  await ollama?.close();
  await searx?.close();
  weather?.close();
  await dropDatabase(database);
});

describe('the web UI in Chromium', { timeout: 60_000 }, () => {
  it('signs up, creates a GPT, saves a new version, and finds it after a reload', async () => {
    const { page } = view;
    await page.goto(origin);
    await view.screenshot('sign-in');
    await page.getByRole('button', { name: 'No account yet? Sign up' }).click();
    await page.getByLabel('Name').fill('Ada');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('a long passphrase');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'My GPTs' }).waitFor();
    await view.screenshot('empty-list');

    await page.getByRole('link', { name: 'Create GPT' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Code Assistant');
    await page.getByLabel('Description').fill('Helps with programming and code review');
    await page.getByLabel('Instructions').fill('You are a helpful coding assistant.');
    await page.getByRole('button', { name: 'Add starter' }).click();
    await page.getByLabel('Conversation starter 1').fill('Help me debug this code');
    await page.getByLabel('Code interpreter').check();
    await page.getByLabel('Model').selectOption('deepseek-coder');
    await page.getByText('Unsaved changes').waitFor();
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('button', { name: 'Save (new version)' }).waitFor();
    await page.getByText('Unsaved changes').waitFor({ state: 'detached' });
    await view.screenshot('created');

    await page.getByLabel('Description').fill('Reviews code and explains algorithms');
    await page.getByText('Unsaved changes').waitFor();
    await page.getByRole('button', { name: 'Save (new version)' }).click();
    await page.getByText('Versions (now v2)').click();
    await page.getByRole('listitem').filter({ hasText: 'v1' }).waitFor();
    await view.screenshot('versions');

    await page.reload();
    await page.getByRole('link', { name: 'My GPTs' }).click();
    const card = page.getByRole('list', { name: 'GPTs' }).getByRole('listitem');
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.textContent()).toContain('Reviews code and explains algorithms');
    await view.screenshot('list-after-reload');
    expect(view.errors).toEqual([]);
  });

  it('uploads a knowledge file and watches it reach ready, then shows its text', async () => {
    const { page } = view;
    await page.getByRole('link', { name: 'My GPTs' }).click();
    await page.getByRole('link', { name: /Code Assistant/ }).click();
    await page.getByLabel('Knowledge files').setInputFiles({
      name: 'handbook.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(`Staff handbook.\n\n${FACT}\n\nKeep it secret.`),
    });
    const row = page
      .getByRole('list', { name: 'Files' })
      .getByRole('listitem')
      .filter({ hasText: 'handbook.txt' });
    await row.filter({ hasText: 'ready' }).waitFor({ timeout: 30_000 });
    await view.screenshot('knowledge-ready');
    await row.getByRole('button', { name: 'View text' }).click();
    await page.getByText(FACT).waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    // Turned off it stays listed, dimmed; on again for the chat below.
    const use = row.getByLabel('Use in answers');
    expect(await use.isChecked()).toBe(true);
    await use.uncheck();
    await page.locator('li.file[data-active="false"]').filter({ hasText: 'handbook.txt' }).waitFor();
    await view.screenshot('knowledge-off');
    await use.check();
    await page.locator('li.file[data-active="true"]').filter({ hasText: 'handbook.txt' }).waitFor();
    // The design document's example: source code as knowledge.
    await page.getByLabel('Knowledge files').setInputFiles({
      name: 'example.js',
      mimeType: 'text/javascript',
      buffer: Buffer.from('console.log("Hello World")'),
    });
    await page
      .getByRole('list', { name: 'Files' })
      .getByRole('listitem')
      .filter({ hasText: 'example.js' })
      .filter({ hasText: 'ready' })
      .waitFor({ timeout: 30_000 });
    expect(view.errors).toEqual([]);
  });

  it('adds an action and tests it against a loopback server', async () => {
    const { page } = view;
    const port = (weather.address() as AddressInfo).port;
    await page.getByRole('button', { name: 'Add action' }).click();
    const form = page.getByRole('form', { name: 'New action' });
    await form.getByLabel(/Name/).fill('Get Weather');
    await form.getByLabel(/Description/).fill('Current weather for a city');
    await form.getByLabel(/URL/).fill(`http://127.0.0.1:${port}/weather?city={{city}}`);
    await form.getByRole('button', { name: 'Save action' }).click();
    const item = page
      .getByRole('list', { name: 'Action list' })
      .getByRole('listitem')
      .filter({ hasText: 'Get Weather' });
    await item.waitFor();
    // The display name, and the name the model calls it by.
    await item.getByText('get_weather', { exact: true }).waitFor();
    await item.getByRole('button', { name: 'Test' }).click();
    await page.getByLabel(/Arguments for Get Weather/).fill('{"city": "Paris"}');
    await page.getByRole('button', { name: 'Run' }).click();
    const result = page.getByTestId('action-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('"temperature":21');
    expect(weatherCalls).toContain('GET /weather?city=Paris');
    await view.screenshot('action-tested');
    expect(view.errors).toEqual([]);
  });

  it('imports actions from an OpenAPI document and says which secrets they need and what it left out', async () => {
    const { page } = view;
    await page.getByRole('button', { name: 'Import OpenAPI' }).click();
    await page
      .getByLabel('OpenAPI 3 document (JSON or YAML)')
      .fill(
        [
          'openapi: 3.0.3',
          'info: { title: Forecast, version: "1" }',
          'servers: [{ url: "https://api.example.com" }]',
          'security: [{ key: [] }]',
          'components: { securitySchemes: { key: { type: apiKey, in: header, name: X-Forecast-Key } } }',
          'paths:',
          '  /forecast: { get: { operationId: getForecast }, patch: { operationId: patchForecast } }',
        ].join('\n'),
      );
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const report = page.getByRole('status', { name: 'Import report' });
    await report.getByText('Imported 1 action.').waitFor();
    expect(await report.getByRole('list', { name: 'Secrets to set' }).textContent()).toBe(
      'getForecast: X-Forecast-Key',
    );
    expect(await report.getByRole('list', { name: 'Left out' }).textContent()).toContain('PATCH /forecast');
    await view.screenshot('openapi-import-report');
    await report.getByRole('button', { name: 'Dismiss' }).click();
    // The chat below offers the model its tools by name; this one is not for it.
    const imported = page
      .getByRole('list', { name: 'Action list' })
      .getByRole('listitem')
      .filter({ hasText: 'getForecast' });
    await imported.getByRole('button', { name: 'Delete' }).click();
    await imported.getByRole('button', { name: 'Yes, delete' }).click();
    await imported.waitFor({ state: 'detached' });
    expect(view.errors).toEqual([]);
  });

  it('chats: a streamed answer with its citation, an action call, and the session after a reload', async () => {
    const { page } = view;
    await page.getByRole('link', { name: 'My GPTs' }).click();
    await page.getByRole('link', { name: 'Chat', exact: true }).first().click();
    await page.getByLabel('Message').fill('What is the launch code?');
    await page.getByRole('button', { name: 'Send' }).click();
    // Mid-answer: the stop button is up and part of the answer is on screen.
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    await page.getByText('According to').waitFor();
    await view.screenshot('streaming');
    await page.getByRole('list', { name: 'Sources' }).getByText('handbook.txt').waitFor();
    await page.getByText(FACT).waitFor();
    // A cited code file opens to its passage, highlighted as its language.
    const code = page
      .getByRole('list', { name: 'Sources' })
      .getByRole('group')
      .filter({ hasText: 'example.js' });
    await code.getByText('example.js').click();
    await code.locator('pre.hljs .hljs-string').first().waitFor();
    expect(await code.locator('pre.hljs').textContent()).toBe('console.log("Hello World")\n');
    await view.screenshot('answer-with-citation');

    await page.getByLabel('Message').fill('What is the weather in Paris?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('It is 21 degrees in Paris.').waitFor();
    await page
      .getByRole('list', { name: 'Actions called' })
      .getByText(/Get Weather/)
      .waitFor();
    await view.screenshot('answer-with-action');

    const url = page.url();
    expect(url).toMatch(/#\/chat\/[\w-]+\/[\w-]+$/);
    await page.reload();
    await page.getByText('It is 21 degrees in Paris.').waitFor();
    await page.getByText(FACT).waitFor();
    // The list of conversations loads on its own: it holds more than one link once it has.
    await page.getByRole('complementary', { name: 'Conversations' }).getByRole('link').nth(1).waitFor();
    await view.screenshot('session-after-reload');

    await pastOnePage(page);
    // Back where the next test goes on chatting.
    await page.goto(url);
    await page.getByText('It is 21 degrees in Paris.').waitFor();
    expect(view.errors).toEqual([]);
  });

  it('asks before an action that changes something runs, and runs it once allowed', async () => {
    const { page } = view;
    const gptId = /#\/chat\/([\w-]+)\//.exec(page.url())![1];
    const token = await page.evaluate('localStorage.getItem("chatty.token")');
    const port = (weather.address() as AddressInfo).port;
    const created = await fetch(`${origin}/api/gpts/${gptId}/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'book_table',
        description: 'Books a table',
        url: `http://127.0.0.1:${port}/book`,
        method: 'POST',
        parameters: { city: '{{city}}' },
        arguments: [{ name: 'city', type: 'string', required: true }],
      }),
    });
    expect(created.status).toBe(201);

    await page.getByLabel('Message').fill('Book a table in Paris');
    await page.getByRole('button', { name: 'Send' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Confirm action' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('book_table');
    expect(await dialog.textContent()).toContain('"city": "Paris"');
    expect(weatherCalls.filter((call) => call.startsWith('POST /book'))).toEqual([]);
    await view.screenshot('confirm-action');
    await dialog.getByRole('button', { name: 'Allow' }).click();
    await page.getByText('Your table is booked.').waitFor();
    expect(weatherCalls.filter((call) => call.startsWith('POST /book'))).toEqual(['POST /book']);
    expect(view.errors).toEqual([]);
  });

  it('shows HTML in a model answer and in a file name as text, never as markup', async () => {
    const { page } = view;
    await page.getByLabel('Message').fill('Show me an image');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('and a', { exact: false }).last().waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    expect(await page.locator('.messages img').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();

    await page.getByRole('link', { name: 'Edit' }).click();
    const hostileName = '<img src=x onerror="window.__xss=3">.txt';
    await page.getByLabel('Knowledge files').setInputFiles({
      name: hostileName,
      mimeType: 'text/plain',
      buffer: Buffer.from('harmless text'),
    });
    await page.getByRole('list', { name: 'Files' }).getByText(hostileName).waitFor();
    expect(await page.locator('img[onerror]').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await view.screenshot('hostile-answer-and-file');
    expect(view.errors).toEqual([]);
  });

  it('creates an API key shown once, and revokes it', async () => {
    const { page } = view;
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('New key name').fill('my script');
    await page.getByTestId('key-scope').selectOption('read');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-key').textContent()) ?? '';
    expect(key).toMatch(/^chatty_/);
    const me = await fetch(`${origin}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(200);
    const write = await fetch(`${origin}/api/gpts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'not allowed', modelId: 'phi3' }),
    });
    expect(write.status).toBe(403);
    await page.getByRole('cell', { name: 'read', exact: true }).waitFor();
    await view.screenshot('key-created');
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await page.getByText('No keys yet.').waitFor();
    expect(
      (await fetch(`${origin}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(401);
    expect(view.errors).toEqual([]);
  });

  it('searches the web for a GPT with web search on, showing the search and the page it cites', async () => {
    const { page } = view;
    await page.getByRole('link', { name: 'My GPTs' }).click();
    await page.getByRole('link', { name: 'Chat', exact: true }).first().click();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Web search').check();
    await page.getByRole('button', { name: 'Save (new version)' }).click();
    await page.getByText('Unsaved changes').waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'My GPTs' }).click();
    await page.getByRole('link', { name: 'Chat', exact: true }).first().click();
    await page.getByLabel('Message').fill('Search the web for museums in Paris');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Paris has many museums').waitFor();
    await page
      .getByRole('list', { name: 'Web searches' })
      .getByText(/Paris museums/)
      .waitFor();
    const source = page
      .getByRole('list', { name: 'Sources' })
      .getByRole('link', { name: 'Museums of Paris' });
    expect(await source.getAttribute('href')).toBe('https://example.org/paris-museums');
    expect(await source.getAttribute('rel')).toContain('noopener');
    expect(searx.queries.at(-1)).toMatchObject({ q: 'Paris museums', format: 'json' });
    await view.screenshot('answer-with-web-search');
    expect(view.errors).toEqual([]);
  });

  it('shows the token usage per GPT and model; the first user, an admin, sees every user', async () => {
    const { page } = view;
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('heading', { name: 'Token usage' }).waitFor();
    await page.getByText('Every user’s tokens').waitFor();
    const row = page.getByRole('row').filter({ hasText: 'deepseek-coder' }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain('ada@example.com');
    expect(await row.textContent()).toContain('Code Assistant');
    await view.screenshot('usage');
    expect(view.errors).toEqual([]);
  });

  it('shows HTML in a GPT name as text, never as markup', async () => {
    const { page } = view;
    const hostile = '<img src=x onerror="window.__xss=1">';
    await page.goto(`${origin}/#/gpts/new`);
    await page.getByLabel('Name', { exact: true }).fill(hostile);
    await page.getByLabel('Model').selectOption('phi3');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('button', { name: 'Save (new version)' }).waitFor();
    await page.getByRole('link', { name: 'My GPTs' }).click();
    await page.getByText(hostile).waitFor();
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('img[onerror]').count()).toBe(0);
    await view.screenshot('hostile-name');
    expect(view.errors).toEqual([]);
  });

  it('reads well on a narrow window', async () => {
    const { page } = view;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'My GPTs' }).click();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await view.screenshot('narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
  it('works as a team: invite, share, chat with a shared GPT, a conflict on concurrent edits, publish, rate, copy', {
    timeout: 120_000,
  }, async () => {
    const ada = view.page;
    // Ada makes a team workspace and invites Bob: the link is shown to her to pass on.
    await ada.getByRole('link', { name: 'Workspaces' }).click();
    await ada.getByLabel('New team workspace').fill('Research team');
    await ada.getByRole('button', { name: 'Create workspace' }).click();
    await ada.getByRole('heading', { name: 'Research team' }).waitFor();
    await ada.getByLabel('Invite by email').fill('bob@example.com');
    await ada.getByRole('button', { name: 'Create invitation link' }).click();
    const link = await ada.getByLabel(/Invitation link/).inputValue();
    expect(link).toMatch(/#\/invitations\/[\w-]+$/);
    await view.screenshot('team-invitation');
    // An invitation sent by mistake is revoked from the list of pending ones.
    await ada.getByLabel('Invite by email').fill('mistake@example.com');
    await ada.getByRole('button', { name: 'Create invitation link' }).click();
    const teamPending = ada.getByRole('list', { name: 'Pending invitations' });
    const pendingFor = (email: string) => teamPending.getByRole('listitem').filter({ hasText: email });
    await pendingFor('mistake@example.com').waitFor();
    await teamPending.getByRole('button', { name: 'Revoke mistake@example.com' }).click();
    await teamPending.getByRole('button', { name: 'Yes, revoke mistake@example.com' }).click();
    await pendingFor('mistake@example.com').waitFor({ state: 'detached' });
    await pendingFor('bob@example.com').waitFor();

    // Bob opens the link signed out, signs up with the invited email, and joins.
    const bobView = await openPage(browser, OUTPUT);
    const bob = bobView.page;
    await bob.goto(link);
    await bob.getByRole('button', { name: 'No account yet? Sign up' }).click();
    await bob.getByLabel('Name').fill('Bob');
    await bob.getByLabel('Email').fill('bob@example.com');
    await bob.getByLabel('Password').fill('another long passphrase');
    await bob.getByRole('button', { name: 'Sign up' }).click();
    await bob.getByRole('button', { name: 'Join Research team' }).click();
    await bob.getByRole('region', { name: 'Members' }).getByText('ada@example.com').waitFor();
    await bobView.screenshot('bob-joined');

    // Ada shares her GPT with the team as "can edit".
    await ada.getByRole('link', { name: 'My GPTs' }).click();
    await ada.getByRole('link', { name: /Code Assistant/ }).click();
    await openPanel(ada, /^Sharing/, 'Share with');
    await ada.getByLabel('Share with').selectOption({ label: 'Research team (workspace)' });
    await ada.getByLabel('Permission').selectOption('edit');
    await ada.getByRole('button', { name: 'Share', exact: true }).click();
    await ada.getByRole('list', { name: 'Shares' }).getByText('can edit').waitFor();
    await view.screenshot('team-shared');

    // Bob sees it shared with him and chats with it: the answer comes from Ada's knowledge.
    await bob.getByRole('link', { name: 'My GPTs' }).click();
    await bob
      .getByRole('list', { name: 'Shared with me' })
      .getByText('Code Assistant', { exact: true })
      .waitFor();
    await bob.getByRole('link', { name: 'Chat with Code Assistant' }).click();
    await bob.getByLabel('Message').fill('What is the launch code?');
    await bob.getByRole('button', { name: 'Send' }).click();
    await bob.getByText(FACT).waitFor();
    await bobView.screenshot('bob-chats-with-shared');

    // Concurrent edits: Ada's editor is open on the current version when Bob saves his change.
    await bob.getByRole('link', { name: 'My GPTs' }).click();
    await bob.getByRole('link', { name: 'Edit Code Assistant' }).click();
    await bob.getByLabel('Description').fill('Bob reviews pull requests');
    await bob.getByRole('button', { name: 'Save (new version)' }).click();
    await bob.getByText('Unsaved changes').waitFor({ state: 'detached' });
    await ada.getByLabel('Description').fill('Ada explains algorithms');
    await ada.getByRole('button', { name: 'Save (new version)' }).click();
    const conflict = ada.getByRole('alert', { name: 'Conflict' });
    await conflict.getByText(/Someone else saved version \d+/).waitFor();
    await conflict.getByRole('button', { name: 'Show the difference' }).click();
    const difference = ada.getByRole('table', { name: 'Difference' });
    expect(await difference.textContent()).toContain('Bob reviews pull requests');
    expect(await difference.textContent()).toContain('Ada explains algorithms');
    await view.screenshot('team-conflict');
    await conflict.getByRole('button', { name: 'Reload their version' }).click();
    expect(await ada.getByLabel('Description').inputValue()).toBe('Bob reviews pull requests');
    await ada.getByText('Versions (now').click();
    await ada.getByRole('listitem').filter({ hasText: 'by Bob' }).first().waitFor();

    // Ada publishes the current version to the team's catalogue.
    await ada.getByText(/^Publish \(/).click();
    await ada.getByLabel('Category').fill('Coding');
    await ada.getByRole('button', { name: /^Publish v\d+$/ }).click();
    await ada
      .getByRole('list', { name: 'Publications' })
      .getByText(/in Research team/)
      .waitFor();

    // Bob finds it in the catalogue, rates it, and copies it as a template of his own.
    await bob.getByRole('link', { name: 'Workspaces' }).click();
    await bob.getByRole('link', { name: /Research team/ }).click();
    const catalogue = bob.getByRole('region', { name: 'Catalogue' });
    await catalogue.getByLabel('Search the catalogue').fill('coding');
    await catalogue.getByRole('button', { name: 'Search' }).click();
    const entry = catalogue.getByRole('listitem').filter({ hasText: 'Code Assistant' }).first();
    await entry.getByText(/\d+ conversations?/).waitFor();
    await entry.getByLabel('Rating').selectOption('4');
    await entry.getByLabel('Review', { exact: true }).fill('Knows the handbook');
    await entry.getByRole('button', { name: 'Rate' }).click();
    await entry.getByText('★ 4 (1 rating)').waitFor();
    await entry.getByText('Knows the handbook').waitFor();
    await bobView.screenshot('bob-rated');
    await entry.getByRole('button', { name: 'Copy Code Assistant as template' }).click();
    await bob.getByRole('heading', { name: 'Code Assistant (copy)' }).waitFor();
    // The copy is Bob's own: he manages its knowledge and actions.
    await bob.getByLabel('Knowledge files').waitFor({ state: 'attached' });
    await bobView.screenshot('bob-copied');
    expect(view.errors).toEqual([]);
    expect(bobView.errors).toEqual([]);
  });

  it('an admin invites people under Users: one sets a password from the link, a revoked link is refused', {
    timeout: 90_000,
  }, async () => {
    const ada = view.page;
    await ada.getByRole('link', { name: 'Users' }).click();
    const invitations = ada.getByRole('region', { name: 'Invitations' });
    const linkFor = async (email: string) => {
      await invitations.getByLabel('Email to invite').fill(email);
      await invitations.getByRole('button', { name: 'Create invitation link' }).click();
      const field = invitations.getByLabel(`Invitation link for ${email}`, { exact: false });
      await field.waitFor();
      return field.inputValue();
    };
    const carolLink = await linkFor('carol@example.com');
    expect(carolLink).toMatch(/#\/join\/[\w-]+$/);
    const daveLink = await linkFor('dave@example.com');
    const pending = invitations.getByRole('list', { name: 'Pending invitations' });
    const invited = (email: string) => pending.getByRole('listitem').filter({ hasText: email });
    await invited('carol@example.com').waitFor();
    await view.screenshot('users-invitations');
    await pending.getByRole('button', { name: 'Revoke dave@example.com' }).click();
    await pending.getByRole('button', { name: 'Yes, revoke dave@example.com' }).click();
    await invited('dave@example.com').waitFor({ state: 'detached' });

    // Carol opens her link signed out and chooses her own password: she is in.
    const carolView = await openPage(browser, OUTPUT);
    const carol = carolView.page;
    await carol.goto(carolLink);
    await carol.getByText('carol@example.com').waitFor();
    await carolView.screenshot('join');
    await carol.getByLabel('Name').fill('Carol');
    await carol.getByLabel('Password').fill('carol chose this');
    await carol.getByRole('button', { name: 'Create my account' }).click();
    await carol.getByRole('heading', { name: 'My GPTs' }).waitFor();
    // She is a user, not an admin: no Users page for her, in the menu or by its address.
    expect(await carol.getByRole('link', { name: 'Users' }).count()).toBe(0);
    await carol.goto(`${origin}/#/users`);
    await carol.getByRole('heading', { name: 'My GPTs' }).waitFor();
    expect(await carol.getByRole('heading', { name: 'Users' }).count()).toBe(0);

    // Signed in elsewhere too; changing the password on Account signs that other session out.
    const elsewhere = await fetch(`${origin}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'carol@example.com', password: 'carol chose this' }),
    });
    const other = { authorization: `Bearer ${((await elsewhere.json()) as { token: string }).token}` };
    await carol.getByRole('link', { name: 'Carol' }).click();
    await carol.getByRole('table', { name: 'Sessions' }).getByText('this browser').waitFor();
    expect(await carol.getByRole('table', { name: 'Sessions' }).getByRole('row').count()).toBe(3);
    await carol.getByLabel('Current password').fill('carol chose this');
    await carol.getByLabel('New password').fill('carol changed it');
    await carol.getByRole('button', { name: 'Change password' }).click();
    await carol.getByText('1 other session(s) signed out').waitFor();
    expect((await fetch(`${origin}/api/auth/me`, { headers: other })).status).toBe(401);
    await carolView.screenshot('account-password-changed');

    // The revoked link says so, and makes no account.
    const daveView = await openPage(browser, OUTPUT);
    await daveView.page.goto(daveLink);
    await daveView.page.getByText('This invitation was revoked').waitFor();
    await daveView.screenshot('join-revoked');

    await ada.reload();
    const users = ada.getByRole('table', { name: 'Users' });
    await users.getByText('carol@example.com').waitFor();
    expect(await users.getByText('dave@example.com').count()).toBe(0);
    expect(view.errors).toEqual([]);
    expect(carolView.errors).toEqual([]);
    expect(daveView.errors).toEqual([]);
  });
});
