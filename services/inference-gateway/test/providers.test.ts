import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModelCatalog } from '@chatty/shared';
import {
  type AnthropicRequest,
  type AnthropicTestServer,
  type CapturedLogs,
  captureLogs,
  type OpenAiChatRequest,
  type OpenAiTestServer,
  type ScriptedReply,
  startAnthropicServer,
  startOpenAiServer,
  tokensOf,
} from '@chatty/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CoServices,
  type GatewayHarness,
  gatewayWith,
  newSession,
  post,
  readEvents,
  startCoServices,
  urlOf,
  userWithGpt,
} from './harness.js';

const OPENAI_KEY = 'sk-test-0penAiKeyThatMustNeverLeak-7f3a9c';
const ANTHROPIC_KEY = 'sk-ant-test-AnthropicKeyNeverShown-42d1e8';

let co: CoServices;
let openai: OpenAiTestServer;
let anthropic: AnthropicTestServer;
let weatherApi: Server;
let keyDir: string;
let harness: GatewayHarness | undefined;
let logs: CapturedLogs;

/** Calls the first tool offered when no tool has answered yet, then answers from the tool's result. */
const toolScript =
  (toolResultOf: (request: never) => string | undefined, toolsOf: (request: never) => string[]) =>
  (request: never): ScriptedReply => {
    const result = toolResultOf(request);
    const tools = toolsOf(request);
    if (tools.length && !result) return { toolCalls: [{ name: tools[0]!, arguments: { city: 'Oslo' } }] };
    if (result) {
      const { temperature } = JSON.parse(result) as { temperature: number };
      return { tokens: tokensOf(`It is ${temperature} degrees in Oslo.`) };
    }
    return { tokens: tokensOf('Hello from the hosted model') };
  };

const openAiScript = toolScript(
  (request: OpenAiChatRequest) =>
    request.messages.findLast((message) => message.role === 'tool')?.content ?? undefined,
  (request: OpenAiChatRequest) => (request.tools ?? []).map((tool) => tool.function.name),
) as (request: OpenAiChatRequest) => ScriptedReply;

const anthropicScript = toolScript(
  (request: AnthropicRequest) => {
    for (const message of [...request.messages].reverse()) {
      if (typeof message.content === 'string') continue;
      const result = message.content.find((block) => block.type === 'tool_result');
      if (result && result.type === 'tool_result')
        return typeof result.content === 'string' ? result.content : result.content[0]?.text;
    }
    return undefined;
  },
  (request: AnthropicRequest) => (request.tools ?? []).map((tool) => tool.name),
) as (request: AnthropicRequest) => ScriptedReply;

beforeAll(async () => {
  co = await startCoServices();
  openai = await startOpenAiServer({
    models: ['gpt-4o-mini', 'o3-mini', 'text-embedding-3-small'],
    apiKey: OPENAI_KEY,
    // Like OpenAI's reasoning models, o3-mini takes only max_completion_tokens.
    reply: (request) =>
      request.model === 'o3-mini' && request.max_tokens !== undefined
        ? {
            error: {
              status: 400,
              message:
                "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
            },
          }
        : openAiScript(request),
  });
  anthropic = await startAnthropicServer({
    models: ['claude-sonnet-4-5'],
    apiKey: ANTHROPIC_KEY,
    reply: anthropicScript,
  });
  weatherApi = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ city: 'Oslo', temperature: 21 }));
  });
  await new Promise<void>((resolve) => weatherApi.listen(0, '127.0.0.1', resolve));
  keyDir = mkdtempSync(join(tmpdir(), 'chatty-keys-'));
  writeFileSync(join(keyDir, 'anthropic.key'), `${ANTHROPIC_KEY}\n`);
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await openai.setFault(null);
  await anthropic.setFault(null);
});
afterAll(async () => {
  await co.close();
  await openai.close();
  await anthropic.close();
  weatherApi.close();
});

/** Local phi3 falls back to a hosted OpenAI-compatible model; Claude is reached through Anthropic's API. */
function models(openAiKeyEnv = 'TEST_OPENAI_KEY') {
  return parseModelCatalog({
    smalltalk: { tag: 'phi3', role: 'local', fallback: ['hosted-mini'] },
    hosted: {
      tag: 'hosted-mini',
      role: 'hosted fallback',
      provider: 'openai-compatible',
      baseUrl: openai.baseUrl,
      apiKeyEnv: openAiKeyEnv,
      upstreamModel: 'gpt-4o-mini',
      contextLength: 16_000,
    },
    claude: {
      tag: 'claude',
      role: 'hosted',
      provider: 'anthropic',
      baseUrl: anthropic.url,
      apiKeyFile: join(keyDir, 'anthropic.key'),
      upstreamModel: 'claude-sonnet-4-5',
    },
    reasoner: {
      tag: 'reasoner',
      role: 'hosted reasoning model',
      provider: 'openai-compatible',
      baseUrl: openai.baseUrl,
      apiKeyEnv: openAiKeyEnv,
      upstreamModel: 'o3-mini',
    },
    embedder: {
      tag: 'hosted-embedder',
      role: 'embeddings',
      provider: 'openai-compatible',
      baseUrl: openai.baseUrl,
      apiKeyEnv: openAiKeyEnv,
      upstreamModel: 'text-embedding-3-small',
    },
    // The same chain reversed: a hosted model first, the local one when the API is down.
    hostedFirst: {
      tag: 'hosted-first',
      role: 'hosted, local fallback',
      provider: 'openai-compatible',
      baseUrl: openai.baseUrl,
      apiKeyEnv: openAiKeyEnv,
      upstreamModel: 'gpt-4o-mini',
      fallback: ['phi3'],
    },
  });
}

async function start(env: Record<string, string> = {}, key = OPENAI_KEY) {
  logs = captureLogs('inference-gateway');
  harness = await gatewayWith(co, [{ models: ['phi3'], tokenDelayMs: 2 }], env, {
    models: models(),
    env: { TEST_OPENAI_KEY: key },
    logger: logs.logger,
  });
  return harness;
}

/** A GPT on the given model (the registry knows only Ollama tags, so the runtime double says the model). */
async function gptOn(h: GatewayHarness, modelId: string, actions = false) {
  const weather = {
    id: '0b6a8a52-3f0a-4c43-9d0f-5b7a2f0c1e01',
    name: 'get_weather',
    toolName: 'get_weather',
    description: 'Current weather for a city',
    arguments: [{ name: 'city', type: 'string', required: true }],
    url: `${urlOf(weatherApi)}/weather`,
  };
  const owner = await userWithGpt(h, {}, actions ? [weather] : []);
  h.doubles.runtimes.get(owner.gptId)!.gpt.modelId = modelId;
  return owner;
}

async function ask(
  h: GatewayHarness,
  owner: { auth: Record<string, string>; gptId: string },
  content: string,
) {
  const sessionId = await newSession(h, owner);
  const response = await post(
    `${h.url}/api/sessions/${sessionId}/messages`,
    owner.auth,
    { content },
    'text/event-stream',
  );
  return readEvents(response);
}

describe('hosted providers', () => {
  it('streams an OpenAI-compatible model through /v1 with its key, upstream name and usage', async () => {
    const h = await start();
    const owner = await gptOn(h, 'phi3');
    const response = await post(`${h.url}/v1/chat/completions`, owner.auth, {
      model: 'hosted-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 50,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      choices: Array<{ message: { content: string } }>;
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    expect(body.choices[0]!.message.content).toBe('Hello from the hosted model');
    expect(body.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5 });
    const sent = openai.requests.at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(sent.body).toMatchObject({ model: 'gpt-4o-mini', stream: true, max_tokens: 50 });
    expect(sent.body.stream_options).toEqual({ include_usage: true });

    const streamed = await post(`${h.url}/v1/chat/completions`, owner.auth, {
      model: 'hosted-mini',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const text = await streamed.text();
    const pieces = text
      .split('\n\n')
      .filter((line) => line.startsWith('data: {'))
      .map(
        (line) =>
          (JSON.parse(line.slice(6)) as { choices: Array<{ delta: { content?: string } }> }).choices[0]!.delta
            .content ?? '',
      );
    expect(pieces.filter(Boolean)).toEqual(tokensOf('Hello from the hosted model'));
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('gives a reasoning model that refuses max_tokens max_completion_tokens, and remembers it', async () => {
    const h = await start();
    const owner = await gptOn(h, 'phi3');
    const before = openai.requests.length;
    const ask = () =>
      post(`${h.url}/v1/chat/completions`, owner.auth, {
        model: 'reasoner',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 40,
      });
    const first = await ask();
    expect(first.status, await first.clone().text()).toBe(200);
    expect(
      ((await first.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message
        .content,
    ).toBe('Hello from the hosted model');
    const sent = openai.requests.slice(before).map((request) => request.body);
    expect(sent.map((body) => [body.max_tokens, body.max_completion_tokens])).toEqual([
      [40, undefined],
      [undefined, 40],
    ]);
    // The next request asks with the newer name straight away; other models keep max_tokens.
    expect((await ask()).status).toBe(200);
    expect(openai.requests.at(-1)!.body).toMatchObject({ max_completion_tokens: 40 });
    expect(openai.requests.length).toBe(before + 3);
    await post(`${h.url}/v1/chat/completions`, owner.auth, {
      model: 'hosted-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 40,
    });
    expect(openai.requests.at(-1)!.body).toMatchObject({ max_tokens: 40 });
  });

  it("runs a GPT's action as a tool call through an OpenAI-compatible model", async () => {
    const h = await start();
    const owner = await gptOn(h, 'hosted-mini', true);
    const events = await ask(h, owner, 'Weather in Oslo?');
    expect(events.filter((event) => event.event === 'action').map((event) => event.data.status)).toEqual([
      'running',
      'ok',
    ]);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect((done.data.message as { content: string; model: string }).content).toBe(
      'It is 21 degrees in Oslo.',
    );
    // The tool result answered the call by its id, as the API requires (the server checks it).
    const second = openai.requests.at(-1)!.body;
    const call = second.messages.find((message) => message.tool_calls)!.tool_calls![0]!;
    expect(second.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: call.id });
  });

  it('streams an Anthropic model and runs a tool through tool_use and tool_result blocks', async () => {
    const h = await start();
    const plain = await gptOn(h, 'claude');
    const events = await ask(h, plain, 'Hi');
    expect(events.filter((event) => event.event === 'delta').map((event) => event.data.content)).toEqual(
      tokensOf('Hello from the hosted model'),
    );
    const first = anthropic.requests.at(-1)!;
    expect(first.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(first.headers['anthropic-version']).toBe('2023-06-01');
    expect(first.body.model).toBe('claude-sonnet-4-5');
    expect(first.body.system).toContain('You are a careful assistant.');
    expect(first.body.messages.every((message) => message.role !== 'system')).toBe(true);

    const withTool = await gptOn(h, 'claude', true);
    const toolEvents = await ask(h, withTool, 'Weather in Oslo?');
    expect(toolEvents.at(-1)!.event).toBe('done');
    expect((toolEvents.at(-1)!.data.message as { content: string }).content).toBe(
      'It is 21 degrees in Oslo.',
    );
  });

  it('keeps answering with the hosted fallback when every local worker is down', async () => {
    const h = await start({ HOSTED_MODEL_RETRY_MS: '200' });
    const owner = await gptOn(h, 'phi3');
    const local = await ask(h, owner, 'Hi');
    expect((local.at(-1)!.data.message as { model: string }).model).toBe('phi3');
    const before = openai.requests.length;

    await h.workers[0]!.setFault('refuse');
    for (let i = 0; i < 3; i++) {
      const events = await ask(h, owner, 'Still there?');
      expect(events.at(-1)!.event).toBe('done');
      const message = events.at(-1)!.data.message as { content: string; model: string };
      expect(message).toMatchObject({ content: 'Hello from the hosted model', model: 'hosted-mini' });
    }
    expect(openai.requests.length - before).toBe(3);
    // Token use is recorded under the model that answered, with its provider's counts.
    const usage = (await (await fetch(`${h.url}/api/usage/tokens`, { headers: owner.auth })).json()) as {
      items: Array<{ model: string; provider: string; requests: number; promptTokens: number }>;
    };
    expect(usage.items.find((item) => item.model === 'hosted-mini')).toMatchObject({
      provider: 'openai-compatible',
      requests: 3,
      promptTokens: 36,
    });

    // The reverse: with the API unreachable, a hosted-first model falls back to the local worker.
    await h.workers[0]!.setFault(null);
    await openai.setFault('refuse');
    const reverse = await gptOn(h, 'hosted-first');
    await expect
      .poll(async () => ((await ask(h, reverse, 'Hi')).at(-1)!.data.message as { model?: string })?.model, {
        timeout: 5000,
      })
      .toBe('phi3');
  });

  it('falls back when a hosted API is busy before the first token, and ends a stream it cuts with an error event', async () => {
    // A cut marks the API down for HOSTED_MODEL_RETRY_MS; the health interval (200 ms) brings it back.
    const h = await start({ HOSTED_MODEL_RETRY_MS: '100' });
    const owner = await gptOn(h, 'hosted-first');
    await openai.setFault('busy');
    const busy = await ask(h, owner, 'Hi');
    expect((busy.at(-1)!.data.message as { model: string }).model).toBe('phi3');

    for (const fault of ['reset', 'stream-error'] as const) {
      await openai.setFault(fault);
      const cut = await ask(h, owner, 'Hi');
      expect(cut.filter((event) => event.event === 'delta').map((event) => event.data.content)).toEqual(
        tokensOf('Hello from the hosted model').slice(0, 2),
      );
      expect(cut.at(-1)).toEqual({
        event: 'error',
        data: { error: { code: 'MODEL_STREAM_BROKEN', message: 'The model worker failed mid-answer' } },
      });
      await openai.setFault(null);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    await anthropic.setFault('stream-error');
    const claude = await gptOn(h, 'claude');
    const cut = await ask(h, claude, 'Hi');
    expect(cut.at(-1)!.event).toBe('error');
  });

  it('never shows an API key in /api/models, error answers or logs, even when the API quotes it back', async () => {
    // The gateway holds a wrong key: the test API answers 401 quoting the key it was sent.
    const wrongKey = 'sk-test-WrongKeyQuotedBackByTheApi-99b1c4';
    const h = await start({}, wrongKey);
    const owner = await gptOn(h, 'hosted-mini');
    const direct = await post(`${h.url}/v1/chat/completions`, owner.auth, {
      model: 'hosted-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(direct.status).toBe(503);
    const answer = await direct.text();
    const streamed = JSON.stringify(await ask(h, owner, 'Hi'));
    const models = await (await fetch(`${h.url}/api/models`, { headers: owner.auth })).text();
    const hosted = (
      JSON.parse(models) as { items: Array<{ id: string; provider: string; workers: unknown[] }> }
    ).items.find((item) => item.id === 'hosted-mini');
    // Not an admin: the hosted API is named, not located (its URL may hold credentials too).
    expect(hosted).toMatchObject({
      provider: 'openai-compatible',
      workers: [{ url: expect.stringMatching(/^worker-\d+$/), loaded: true }],
    });
    expect(models).not.toContain(openai.baseUrl);
    // The refusal did reach the logs (so the test looks where the key would be), without the key.
    expect(logs.text()).toContain('Incorrect API key provided: [redacted]');
    for (const text of [answer, streamed, models, logs.text()]) {
      expect(text).not.toContain(wrongKey);
      expect(text).not.toContain(wrongKey.slice(0, 12));
      expect(text).not.toContain(OPENAI_KEY);
      expect(text).not.toContain(ANTHROPIC_KEY);
    }
  });

  it('embeds through /v1/embeddings on an OpenAI-compatible API, with its key and upstream name', async () => {
    const h = await start();
    const owner = await userWithGpt(h);
    const embed = (model: string, input: unknown) =>
      post(`${h.url}/v1/embeddings`, owner.auth, { model, input });
    const response = await embed('hosted-embedder', ['the kitten sleeps', 'a car']);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data: Array<{ index: number; embedding: number[] }>;
      model: string;
      usage: { prompt_tokens: number };
    };
    expect(body.model).toBe('hosted-embedder');
    expect(body.data.map((item) => item.index)).toEqual([0, 1]);
    expect(body.data.every((item) => item.embedding.length === 256)).toBe(true);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(openai.embedRequests.at(-1)).toEqual({ model: 'text-embedding-3-small', inputs: 2 });

    const refused = await embed('claude', 'hello');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'EMBEDDINGS_NOT_SUPPORTED',
    );
    // A hosted API serves only what the config names: a model it was not given is unknown here.
    expect((await embed('gpt-5-embeddings', 'hello')).status).toBe(400);

    // Busy, then down for HOSTED_MODEL_RETRY_MS: a clear 503, and the key never in the answer.
    await openai.setFault('busy');
    const busy = await embed('hosted-embedder', 'hello');
    expect(busy.status).toBe(503);
    expect(await busy.text()).not.toContain(OPENAI_KEY.slice(0, 8));
  });

  it('refuses to start when a hosted model names a key variable that is not set', async () => {
    await expect(
      gatewayWith(co, [{ models: ['phi3'] }], {}, { models: models('NOT_SET_ANYWHERE'), env: {} }),
    ).rejects.toThrow(/hosted: environment variable NOT_SET_ANYWHERE is not set/);
  });
});

describe("/v1's options on hosted providers", () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');
  const WEATHER = {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  };
  const schema = { type: 'object', properties: { n: { type: 'integer' } } };
  const request = (model: string) => ({
    model,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
        ],
      },
    ],
    tools: [WEATHER],
    tool_choice: 'required',
    stop: ['END'],
    response_format: { type: 'json_schema', json_schema: { name: 'n', schema } },
  });

  it('gives tools, tool_choice, stop, the JSON schema and images to each API in its own terms', async () => {
    const h = await start();
    const owner = await gptOn(h, 'phi3');
    const viaOpenAi = await post(`${h.url}/v1/chat/completions`, owner.auth, request('hosted-mini'));
    expect(viaOpenAi.status).toBe(200);
    expect(
      ((await viaOpenAi.json()) as { choices: Array<{ finish_reason: string }> }).choices[0]!.finish_reason,
    ).toBe('tool_calls');
    expect(openai.requests.at(-1)!.body).toMatchObject({
      tools: [{ function: { name: 'get_weather' } }],
      tool_choice: 'required',
      stop: ['END'],
      response_format: { type: 'json_schema', json_schema: { schema } },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
      ],
    });

    const viaAnthropic = await post(`${h.url}/v1/chat/completions`, owner.auth, request('claude'));
    expect(viaAnthropic.status).toBe(200);
    const sent = anthropic.requests.at(-1)!.body as unknown as Record<string, unknown>;
    expect(sent).toMatchObject({
      tool_choice: { type: 'any' },
      stop_sequences: ['END'],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'text', text: 'Look' },
          ],
        },
      ],
    });
    expect(sent.system).toContain(JSON.stringify(schema));
  });
});
