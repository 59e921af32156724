import { createServer, type Server } from 'node:http';
import { buildActionRunner, loadActionRunnerConfig, USER_AGENT } from '@chatty/action-runner';
import {
  type OllamaChatRequest,
  type SearxngTestServer,
  startSearxngServer,
  tokensOf,
} from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET } from '../../gpt-registry/test/harness.js';
import {
  type GatewayHarness,
  newSession,
  post,
  readEvents,
  startGateway,
  urlOf,
  userWithGpt,
} from './harness.js';

let harness: GatewayHarness;
let searx: SearxngTestServer;
let runner: Awaited<ReturnType<typeof buildActionRunner>>;
let forbidden: Server;
const forbiddenHits: string[] = [];

const OSLO_PAGE =
  '<html><head><style>p{}</style></head><body><nav>Home | About</nav>' +
  '<h1>Oslo</h1><p>Oslo had 717,710 inhabitants on 1 January 2024.</p></body></html>';

/**
 * The model: searches when offered web_search, reads the first result's page, then answers citing it;
 * without tools it answers from the web results in its prompt.
 */
function scriptedModel(request: OllamaChatRequest) {
  const messages = request.messages ?? [];
  const tools = (request.tools ?? []).map((tool) => tool.function.name);
  const last = messages.at(-1)!;
  if (tools.includes('web_search') && last.role === 'user')
    return { toolCalls: [{ name: 'web_search', arguments: { query: 'Oslo population 2024' } }] };
  if (last.role === 'tool' && last.tool_name === 'web_search' && tools.includes('read_web_page')) {
    const links = [...last.content.matchAll(/^(https?:\/\/\S+)$/gm)].map((match) => match[1]!);
    const wanted = /read the forbidden one/.test(messages.find((m) => m.role === 'user')!.content)
      ? links.find((link) => link.includes(String(new URL(urlOf(forbidden)).port)))!
      : links[0]!;
    return { toolCalls: [{ name: 'read_web_page', arguments: { url: wanted } }] };
  }
  if (last.role === 'tool' && last.tool_name === 'read_web_page') {
    const count = /([\d,]+) inhabitants/.exec(last.content)?.[1];
    return {
      tokens: tokensOf(count ? `Oslo has ${count} people [1].` : `Could not read it: ${last.content}`),
    };
  }
  const inPrompt = /Web search results for this message[\s\S]*?\n(https?:\/\/\S+)/.exec(messages[0]!.content);
  return { tokens: tokensOf(inPrompt ? `See ${inPrompt[1]}` : 'No search.') };
}

beforeAll(async () => {
  forbidden = createServer((request, response) => {
    forbiddenHits.push(request.url ?? '');
    response.end('<p>secret internal page</p>');
  });
  await new Promise<void>((resolve) => forbidden.listen(0, '127.0.0.1', resolve));
  searx = await startSearxngServer({ pages: { '/wiki/Oslo': OSLO_PAGE } });
  searx.setResults(() => [
    { url: `${searx.url}/wiki/Oslo`, title: 'Oslo - Wikipedia', content: 'Oslo is the capital of Norway.' },
    { url: `${urlOf(forbidden)}/admin`, title: 'Internal admin', content: 'Not for the public.' },
  ]);
  // The real action-runner, which may reach the search server's pages and nothing else on loopback.
  runner = await buildActionRunner(
    loadActionRunnerConfig({
      SECRET_KEY: TEST_SECRET,
      LOG_LEVEL: 'silent',
      ACTION_EGRESS_ALLOW: new URL(searx.url).host,
    }),
  );
  await runner.listen({ port: 0, host: '127.0.0.1' });
  harness = await startGateway(
    [{ models: ['phi3', 'mistral'], withoutTools: ['mistral'], reply: scriptedModel }],
    { SEARXNG_URL: searx.url, ACTION_RUNNER_URL: urlOf(runner.server), WEB_SEARCH_RESULTS: '3' },
  );
});
afterAll(async () => {
  await harness.close();
  await runner.close();
  await searx.close();
  forbidden.close();
});

async function searchingGpt(webSearch: boolean, modelId = 'phi3') {
  const owner = await userWithGpt(harness);
  const runtime = harness.doubles.runtimes.get(owner.gptId)!;
  runtime.gpt.capabilities = { webSearch };
  runtime.gpt.modelId = modelId;
  return owner;
}

async function ask(owner: { auth: Record<string, string>; gptId: string }, content: string) {
  const sessionId = await newSession(harness, owner);
  const response = await post(
    `${harness.url}/api/sessions/${sessionId}/messages`,
    owner.auth,
    { content },
    'text/event-stream',
  );
  return { sessionId, events: await readEvents(response) };
}

describe('web search', () => {
  it('searches SearXNG, reads a result through the action-runner, and cites its sources', async () => {
    const owner = await searchingGpt(true);
    const { sessionId, events } = await ask(owner, 'How many people live in Oslo?');
    expect(events.filter((event) => event.event === 'search').map((event) => event.data)).toEqual([
      { query: 'Oslo population 2024', status: 'running' },
      { query: 'Oslo population 2024', status: 'ok', results: 2 },
    ]);
    const message = events.at(-1)!.data.message as {
      content: string;
      citations: Array<{ url: string; title: string }>;
      searches: unknown[];
    };
    expect(message.content).toBe('Oslo has 717,710 people [1].');
    expect(message.citations).toEqual([
      { url: `${searx.url}/wiki/Oslo`, title: 'Oslo - Wikipedia' },
      { url: `${urlOf(forbidden)}/admin`, title: 'Internal admin' },
    ]);
    expect(message.searches).toEqual([{ query: 'Oslo population 2024', status: 'ok', results: 2 }]);
    expect(searx.queries.at(-1)).toMatchObject({ q: 'Oslo population 2024', format: 'json' });
    // The page came through the runner (its user agent), as text without navigation or styles.
    expect(searx.fetched.at(-1)).toEqual({ path: '/wiki/Oslo', userAgent: USER_AGENT });
    const pageText = harness.workers[0]!.requests.at(-1)!.body.messages!.at(-1)!.content;
    expect(pageText).toContain('Oslo had 717,710 inhabitants');
    expect(pageText).not.toContain('Home | About');

    // Stored with the answer: the session shows the searches and the web citations again.
    const session = (await (
      await fetch(`${harness.url}/api/sessions/${sessionId}`, { headers: owner.auth })
    ).json()) as { messages: Array<{ searches?: unknown[]; citations?: unknown[] }> };
    expect(session.messages.at(-1)!.searches).toEqual(message.searches);
    expect(session.messages.at(-1)!.citations).toEqual(message.citations);
  });

  it("refuses, by the runner's egress policy, a result on an address actions may not reach", async () => {
    const owner = await searchingGpt(true);
    const { events } = await ask(owner, 'Please read the forbidden one');
    const content = (events.at(-1)!.data.message as { content: string }).content;
    expect(content).toContain('EGRESS_DENIED');
    expect(forbiddenHits).toEqual([]);
  });

  it('gives a model without tools the search results of the question in its prompt', async () => {
    const owner = await searchingGpt(true, 'mistral');
    const { events } = await ask(owner, 'Oslo population');
    const message = events.at(-1)!.data.message as { content: string; citations: unknown[] };
    expect(message.content).toBe(`See ${searx.url}/wiki/Oslo`);
    expect(message.citations).toHaveLength(2);
    expect(searx.queries.at(-1)!.q).toBe('Oslo population');
  });

  it('offers no web search to a GPT with the capability off, and answers when SearXNG fails', async () => {
    const before = searx.queries.length;
    const off = await searchingGpt(false);
    const { events } = await ask(off, 'Hi');
    expect((events.at(-1)!.data.message as { content: string }).content).toBe('No search.');
    expect(harness.workers[0]!.requests.at(-1)!.body.tools).toBeUndefined();
    expect(searx.queries.length).toBe(before);

    await searx.setFault('busy');
    const on = await searchingGpt(true);
    const failed = await ask(on, 'How many people live in Oslo?');
    expect(failed.events.at(-1)!.event).toBe('done');
    const message = failed.events.at(-1)!.data.message as { searches: Array<{ status: string }> };
    expect(message.searches).toEqual([
      expect.objectContaining({ query: 'Oslo population 2024', status: 'error', results: 0 }),
    ]);
    await searx.setFault(null);
  });
});
