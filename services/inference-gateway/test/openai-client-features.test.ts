import { type OllamaChatRequest, TEST_EMBEDDING_DIMENSIONS, tokensOf } from '@chatty/testkit';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import OpenAI from 'openai';
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../../gpt-registry/test/harness.js';
import { type GatewayHarness, startGateway, urlOf, userWithGpt } from './harness.js';

// The features real OpenAI clients lean on, driven with the official client through the public origin.

let harness: GatewayHarness;
let web: WebApp;
let origin: string;

const WEATHER: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather now in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const TIME: ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_time', description: 'The time now', parameters: { type: 'object', properties: {} } },
};

/** The scripted model: calls get_weather when offered it, answers from a tool result once it has one. */
function weatherModel(request: OllamaChatRequest) {
  const last = request.messages?.at(-1);
  if (last?.role === 'tool') return { tokens: tokensOf(`It says: ${last.content}`) };
  if (request.tools?.some((tool) => tool.function.name === 'get_weather'))
    return { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] };
  return { tokens: tokensOf('one two three four five six') };
}

beforeAll(async () => {
  harness = await startGateway([
    {
      models: ['phi3', 'mistral', 'deepseek-coder', 'nomic-embed-text'],
      vision: ['phi3'],
      reply: weatherModel,
    },
  ]);
  web = await buildWeb(
    loadWebConfig({
      REGISTRY_URL: urlOf(harness.registry.app.server),
      GATEWAY_URL: harness.url,
      LOG_LEVEL: 'silent',
    }),
  );
  await web.listen({ port: 0, host: '127.0.0.1' });
  origin = urlOf(web.server);
});
afterAll(async () => {
  await web.close();
  await harness.close();
});

const worker = () => harness.workers[0]!;
const lastChat = () => worker().requests.at(-1)!.body as OllamaChatRequest & Record<string, unknown>;

async function clientOf() {
  const user = await signUp(harness.registry.app);
  return new OpenAI({ baseURL: `${origin}/v1`, apiKey: user.token, maxRetries: 0 });
}

describe('tools through /v1, with the official openai client', () => {
  it('does a tool-calling round trip: the call in OpenAI shape, the result passed back by its id', async () => {
    const client = await clientOf();
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const first = await client.chat.completions.create({ model: 'small', messages, tools: [WEATHER, TIME] });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(call.id).toMatch(/^call_/);
    if (call.type !== 'function') throw new Error('a function call');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(lastChat().tools!.map((tool) => tool.function.name)).toEqual(['get_weather', 'get_time']);

    messages.push(choice.message, { role: 'tool', tool_call_id: call.id, content: '21 °C, sunny' });
    const second = await client.chat.completions.create({ model: 'small', messages, tools: [WEATHER] });
    expect(second.choices[0]!.message.content).toBe('It says: 21 °C, sunny');
    expect(second.choices[0]!.finish_reason).toBe('stop');
    const sent = lastChat().messages!;
    expect(sent.at(-2)).toMatchObject({
      role: 'assistant',
      tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
    });
    expect(sent.at(-1)).toMatchObject({ role: 'tool', tool_name: 'get_weather', content: '21 °C, sunny' });
  });

  it('streams tool calls as deltas the client assembles, then a usage chunk when asked', async () => {
    const client = await clientOf();
    const stream = client.chat.completions.stream({
      model: 'small',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [WEATHER],
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const each of stream) chunks.push(each);
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    if (call.type !== 'function') throw new Error('a function call');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    const delta = chunks.find((each) => each.choices[0]?.delta.tool_calls)!.choices[0]!.delta.tool_calls![0]!;
    expect(delta).toMatchObject({ index: 0, id: call.id, type: 'function' });
    // The usage chunk comes last, with no choices.
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    });
    expect(chunks.slice(0, -1).every((each) => !each.usage)).toBe(true);
  });

  it('narrows the tools to the one tool_choice names, and offers none for "none"', async () => {
    const client = await clientOf();
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'What time is it?' }];
    await client.chat.completions.create({
      model: 'small',
      messages,
      tools: [WEATHER, TIME],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    expect(lastChat().tools!.map((tool) => tool.function.name)).toEqual(['get_time']);
    const none = await client.chat.completions.create({
      model: 'small',
      messages,
      tools: [WEATHER],
      tool_choice: 'none',
    });
    expect(lastChat().tools).toBeUndefined();
    expect(none.choices[0]!.finish_reason).toBe('stop');
    await expect(
      client.chat.completions.create({
        model: 'small',
        messages,
        tools: [WEATHER],
        tool_choice: { type: 'function', function: { name: 'nope' } },
      }),
    ).rejects.toMatchObject({ status: 400, param: 'tool_choice', code: 'UNKNOWN_TOOL' });
  });

  it('refuses a tool result that answers no call', async () => {
    const client = await clientOf();
    await expect(
      client.chat.completions.create({
        model: 'small',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'tool', tool_call_id: 'call_missing', content: 'x' },
        ],
      }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'messages[1].tool_call_id',
      type: 'invalid_request_error',
    });
  });
});

describe('sampling, limits and formats through /v1', () => {
  it('says "length" when the answer stopped at max_tokens, streamed or not', async () => {
    const client = await clientOf();
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Count' }];
    const cut = await client.chat.completions.create({ model: 'small', messages, max_tokens: 2 });
    expect(cut.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'one two' } });
    const stream = await client.chat.completions.create({
      model: 'small',
      messages,
      max_tokens: 3,
      stream: true,
    });
    let finish: string | null = null;
    for await (const each of stream) finish = each.choices[0]?.finish_reason ?? finish;
    expect(finish).toBe('length');
  });

  it('passes stop sequences and JSON formats to the model', async () => {
    const client = await clientOf();
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'JSON please' }];
    await client.chat.completions.create({
      model: 'small',
      messages,
      stop: 'END',
      response_format: { type: 'json_object' },
    });
    expect(lastChat()).toMatchObject({ format: 'json', options: { stop: ['END'] } });
    const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] };
    await client.chat.completions.create({
      model: 'small',
      messages,
      stop: ['\n\n', '###'],
      response_format: { type: 'json_schema', json_schema: { name: 'count', schema } },
    });
    expect(lastChat()).toMatchObject({ format: schema, options: { stop: ['\n\n', '###'] } });
    expect(lastChat().tool_choice).toBeUndefined();
  });

  it('takes null as "not given" for the optional fields, as OpenAI does (a client sends None so)', async () => {
    const client = await clientOf();
    const answer = await client.chat.completions.create({
      model: 'small',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: null,
      top_p: null,
      max_tokens: null,
      max_completion_tokens: null,
      seed: null,
      stop: null,
      n: null,
      tools: null,
      tool_choice: null,
      response_format: null,
    } as unknown as ChatCompletionCreateParamsNonStreaming);
    expect(answer.choices[0]!.message.content).toBeTruthy();
    // Only the server's own cap on the answer's length (MAX_OUTPUT_TOKENS): nothing the client sent.
    expect(lastChat().options).toEqual({ num_predict: expect.any(Number) });
    expect(lastChat().format).toBeUndefined();
    expect(lastChat().tools).toBeUndefined();
    // A wrong type is still refused: null is not given, "0.5" is not a number.
    const error = await client.chat.completions
      .create({ model: 'small', messages: [{ role: 'user', content: 'hi' }], temperature: '0.5' as never })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, param: 'temperature', type: 'invalid_request_error' });
  });

  it('refuses n > 1 in OpenAI’s error shape', async () => {
    const client = await clientOf();
    const error = await client.chat.completions
      .create({ model: 'small', n: 2, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      param: 'n',
      type: 'invalid_request_error',
      code: 'N_NOT_SUPPORTED',
    });
    expect((error as Error).message).toContain('n = 1');
  });

  it('refuses logprobs rather than answering them with null, and takes logprobs: false', async () => {
    const client = await clientOf();
    const messages = [{ role: 'user' as const, content: 'hi' }];
    for (const [asked, param] of [
      [{ logprobs: true }, 'logprobs'],
      [{ top_logprobs: 3 }, 'top_logprobs'],
    ] as const) {
      const error = await client.chat.completions
        .create({ model: 'small', messages, ...asked })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({ status: 400, param, code: 'LOGPROBS_NOT_SUPPORTED' });
    }
    const plain = await client.chat.completions.create({ model: 'small', messages, logprobs: false });
    expect(plain.choices[0]!.logprobs).toBeNull();
  });
});

describe('images through /v1', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');

  it('passes a data: URL image to the model as base64 in images', async () => {
    const client = await clientOf();
    await client.chat.completions.create({
      model: 'small',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
      ],
    });
    expect(lastChat().messages!.at(-1)).toMatchObject({
      role: 'user',
      content: 'What is in this picture?',
      images: [PNG],
    });
  });

  it('refuses images for a model without vision, before any worker is asked', async () => {
    const client = await clientOf();
    const before = worker().requests.length;
    await expect(
      client.chat.completions.create({
        model: 'mistral',
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }],
          },
        ],
      }),
    ).rejects.toMatchObject({ status: 400, code: 'IMAGES_NOT_SUPPORTED', param: 'messages' });
    expect(worker().requests.length).toBe(before);
  });

  it('refuses a remote image URL, naming the part, and fetches nothing', async () => {
    const client = await clientOf();
    const before = worker().requests.length;
    await expect(
      client.chat.completions.create({
        model: 'small',
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'http://169.254.169.254/x.png' } }],
          },
        ],
      }),
    ).rejects.toMatchObject({
      status: 400,
      code: 'REMOTE_IMAGE_URL',
      param: 'messages[0].content[0].image_url.url',
    });
    expect(worker().requests.length).toBe(before);
  });
});

describe('models, embeddings and errors through /v1', () => {
  it('retrieves a base model and the caller’s GPT; another user’s GPT and unknown ids are 404', async () => {
    const owner = await userWithGpt(harness);
    const other = await userWithGpt(harness);
    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: owner.token, maxRetries: 0 });
    expect(await client.models.retrieve('phi3')).toMatchObject({
      id: 'phi3',
      object: 'model',
      owned_by: 'chatty',
    });
    expect(await client.models.retrieve(owner.gptId)).toMatchObject({ id: owner.gptId, owned_by: 'user' });
    for (const id of [other.gptId, 'nope'])
      await expect(client.models.retrieve(id)).rejects.toMatchObject({
        status: 404,
        type: 'not_found_error',
      });
  });

  it('embeds through the Ollama workers, as base64 (the client’s default) or floats', async () => {
    const client = await clientOf();
    const decoded = await client.embeddings.create({ model: 'nomic-embed-text', input: ['alpha', 'beta'] });
    const floats = await client.embeddings.create({
      model: 'nomic-embed-text',
      input: ['alpha', 'beta'],
      encoding_format: 'float',
    });
    expect(decoded.data).toHaveLength(2);
    expect(decoded.data[1]!.index).toBe(1);
    // The test worker's vectors are deterministic: both encodings carry the same numbers.
    for (const [index, item] of floats.data.entries()) {
      expect(item.embedding).toHaveLength(TEST_EMBEDDING_DIMENSIONS);
      for (const [at, value] of decoded.data[index]!.embedding.entries())
        expect(value).toBeCloseTo(item.embedding[at]!, 6);
    }
    expect(floats.data[0]!.embedding).not.toEqual(floats.data[1]!.embedding);
    // null is not given, as OpenAI takes it: floats.
    const nulls = await client.embeddings.create({
      model: 'nomic-embed-text',
      input: 'alpha',
      encoding_format: null,
      dimensions: null,
      user: null,
    } as never);
    expect(nulls.data[0]!.embedding).toEqual(floats.data[0]!.embedding);
    await expect(client.embeddings.create({ model: 'not-pulled', input: 'x' })).rejects.toMatchObject({
      status: 400,
      param: 'model',
    });
  });

  it('answers a bad key, a bad body and an unknown route in OpenAI’s error shape', async () => {
    const bad = new OpenAI({ baseURL: `${origin}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    const error = await bad.models.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, type: 'authentication_error', param: null });
    const user = await signUp(harness.registry.app);
    const invalid = await fetch(`${origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'small', messages: [{ role: 'wizard', content: 'hi' }] }),
    });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'VALIDATION_ERROR' });
    expect(body.error.param).toMatch(/^messages\[0\]/);
    const unknown = await fetch(`${origin}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: Record<string, unknown> }).error).toMatchObject({
      type: 'not_found_error',
      code: 'ROUTE_NOT_FOUND',
    });
  });

  it('refuses a user message without content and an empty embeddings input, naming the field, asking no worker', async () => {
    const user = await signUp(harness.registry.app);
    const post = (path: string, body: object) =>
      fetch(`${origin}/v1/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const asked = worker().requests.length;
    const noContent = await post('chat/completions', {
      model: 'small',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user' }],
    });
    expect(noContent.status).toBe(400);
    expect(((await noContent.json()) as { error: object }).error).toMatchObject({
      type: 'invalid_request_error',
      param: 'messages[1].content',
      code: 'MISSING_CONTENT',
    });
    const nothing = await post('embeddings', { model: 'nomic-embed-text', input: [] });
    expect(nothing.status).toBe(400);
    expect(((await nothing.json()) as { error: object }).error).toMatchObject({
      param: 'input',
      code: 'EMPTY_INPUT',
    });
    expect(worker().requests.length).toBe(asked);
    // An assistant message with only tool calls still needs none.
    const client = await clientOf();
    const answer = await client.chat.completions.create({
      model: 'small',
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
    });
    expect(answer.choices[0]!.message.content).toBe('It says: sunny');
  });

  it('keeps a GPT answering as before, and refuses client tools for it clearly', async () => {
    const owner = await userWithGpt(harness);
    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: owner.token, maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: owner.gptId,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.choices[0]!.message.content).toBe('one two three four five six');
    await expect(
      client.chat.completions.create({
        model: owner.gptId,
        messages: [{ role: 'user', content: 'hi' }],
        tools: [WEATHER],
      }),
    ).rejects.toMatchObject({ status: 400, param: 'tools', code: 'TOOLS_NOT_SUPPORTED' });
  });
});
