import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicTestServer, startAnthropicServer } from '../src/anthropic-server.js';
import { type OpenAiTestServer, startOpenAiServer } from '../src/openai-server.js';
import { type SearxngTestServer, startSearxngServer } from '../src/searxng-server.js';

let openai: OpenAiTestServer;
let anthropic: AnthropicTestServer;
let searx: SearxngTestServer;

beforeAll(async () => {
  openai = await startOpenAiServer({ models: ['gpt-4o-mini'], apiKey: 'sk-right' });
  anthropic = await startAnthropicServer({ models: ['claude-x'], apiKey: 'ant-right' });
  searx = await startSearxngServer({
    results: (q) => [{ url: 'https://example.org/a', title: `About ${q}`, content: 'snippet' }],
  });
});
afterAll(async () => {
  await openai.close();
  await anthropic.close();
  await searx.close();
});

const events = (text: string) =>
  text
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1],
      data: /^data: (.*)$/m.exec(block)![1]!,
    }));

describe('the OpenAI test server', () => {
  const chat = (body: Record<string, unknown>, key = 'sk-right') =>
    fetch(`${openai.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('streams text, the usage chunk and [DONE]; answers whole without stream', async () => {
    const streamed = events(
      await (
        await chat({
          model: 'gpt-4o-mini',
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: 'user', content: 'hi' }],
        })
      ).text(),
    );
    expect(streamed.at(-1)!.data).toBe('[DONE]');
    const chunks = streamed.slice(0, -1).map((each) => JSON.parse(each.data));
    const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('Hello from gpt-4o-mini');
    expect(chunks.at(-1).usage).toEqual({ prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
    const whole = (await (
      await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
    ).json()) as { choices: Array<{ message: { content: string } }> };
    expect(whole.choices[0]!.message.content).toBe('Hello from gpt-4o-mini');
  });

  it('sends tool calls as deltas, and checks keys, models and tool-call ids', async () => {
    openai.setReply(() => ({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }));
    const chunks = events(
      await (
        await chat({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'w?' }] })
      ).text(),
    )
      .slice(0, -1)
      .map((each) => JSON.parse(each.data));
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta?.tool_calls ?? []);
    expect(deltas[0].function.name).toBe('get_weather');
    expect(
      deltas.map((delta: { function: { arguments: string } }) => delta.function.arguments).join(''),
    ).toBe('{"city":"Oslo"}');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
    const wrongKey = await chat({ model: 'gpt-4o-mini', messages: [] }, 'sk-wrong');
    expect(wrongKey.status).toBe(401);
    expect(((await wrongKey.json()) as { error: { message: string } }).error.message).toContain('sk-wrong');
    expect((await chat({ model: 'nope', messages: [] })).status).toBe(404);
    const orphan = await chat({
      model: 'gpt-4o-mini',
      messages: [{ role: 'tool', tool_call_id: 'x', content: '1' }],
    });
    expect(orphan.status).toBe(400);
  });
});

describe('the Anthropic test server', () => {
  const messages = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${anthropic.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'ant-right', 'anthropic-version': '2023-06-01', ...headers },
      body: JSON.stringify(body),
    });

  it('streams named events: message_start, text deltas, message_delta with usage, message_stop', async () => {
    const streamed = events(
      await (
        await messages({
          model: 'claude-x',
          max_tokens: 100,
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
        })
      ).text(),
    );
    expect(streamed.map((each) => each.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(JSON.parse(streamed.at(-2)!.data)).toMatchObject({
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 3 },
    });
  });

  it('refuses what the API refuses: a system role, no max_tokens, a tool_result without its tool_use, a bad key', async () => {
    const user = { role: 'user', content: 'hi' };
    expect(
      (
        await messages({
          model: 'claude-x',
          max_tokens: 5,
          messages: [{ role: 'system', content: 's' }, user],
        })
      ).status,
    ).toBe(400);
    expect((await messages({ model: 'claude-x', messages: [user] })).status).toBe(400);
    const orphan = {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: '1' }],
    };
    expect(
      (
        await messages({
          model: 'claude-x',
          max_tokens: 5,
          messages: [user, { role: 'assistant', content: 'ok' }, orphan],
        })
      ).status,
    ).toBe(400);
    expect(
      (await messages({ model: 'claude-x', max_tokens: 5, messages: [user] }, { 'x-api-key': 'no' })).status,
    ).toBe(401);
    await anthropic.setFault('busy');
    expect((await messages({ model: 'claude-x', max_tokens: 5, messages: [user] })).status).toBe(529);
    await anthropic.setFault(null);
  });
});

describe('the SearXNG test server', () => {
  it('answers /search?format=json with results, and 403 without format=json', async () => {
    const found = await (await fetch(`${searx.url}/search?q=oslo&format=json`)).json();
    expect(found).toMatchObject({
      query: 'oslo',
      number_of_results: 1,
      results: [{ url: 'https://example.org/a', title: 'About oslo', content: 'snippet' }],
    });
    expect((await fetch(`${searx.url}/search?q=oslo`)).status).toBe(403);
    expect(searx.queries.map((query) => query.format)).toEqual(['json', null]);
  });
});
