import { tokensOf } from '@chatty/testkit';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../../gpt-registry/test/harness.js';
import { type GatewayHarness, newSession, post, startGateway, urlOf, userWithGpt } from './harness.js';

let harness: GatewayHarness;
let web: WebApp;
let origin: string;

const ANSWER = 'one two three four five six';

beforeAll(async () => {
  harness = await startGateway([
    {
      models: ['phi3', 'mistral', 'deepseek-coder'],
      tokenDelayMs: 60,
      reply: () => ({ tokens: tokensOf(ANSWER) }),
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

/** An API key from the registry, so the gateway resolves it through the registry's internal route. */
async function apiKeyOf(auth: Record<string, string>) {
  const response = await harness.registry.app.inject({
    method: 'POST',
    url: '/api/keys',
    headers: auth,
    payload: { name: 'sdk' },
  });
  return (response.json() as { key: string }).key;
}

describe('the OpenAI-compatible API through the public origin, with the official openai client', () => {
  it("lists the caller's GPTs and the base models, and no one else's GPTs", async () => {
    const owner = await userWithGpt(harness);
    const other = await userWithGpt(harness);
    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: await apiKeyOf(owner.auth) });
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain(owner.gptId);
    expect(ids).not.toContain(other.gptId);
    expect(ids).toEqual(expect.arrayContaining(['phi3', 'mistral', 'deepseek-coder', 'chatty-core']));
  });

  it('answers a completion from a GPT, non-streamed', async () => {
    const owner = await userWithGpt(harness, { instructions: 'Speak like a pirate.' });
    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: owner.token });
    const completion = await client.chat.completions.create({
      model: owner.gptId,
      messages: [{ role: 'user', content: 'Ahoy?' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message).toMatchObject({ role: 'assistant', content: ANSWER });
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect(harness.workers[0]!.requests.at(-1)!.body.messages![0]!.content).toContain('Speak like a pirate.');
  });

  it('streams a completion from a base model chunk by chunk', async () => {
    const user = await signUp(harness.registry.app);
    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: user.token });
    const started = Date.now();
    const stream = await client.chat.completions.create({
      model: 'small',
      stream: true,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Count' },
      ],
    });
    const pieces: string[] = [];
    const arrivals: number[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content;
      if (piece) {
        pieces.push(piece);
        arrivals.push(Date.now() - started);
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(pieces.join('')).toBe(ANSWER);
    expect(finish).toBe('stop');
    // Six tokens 60 ms apart: the first arrives long before the last, so nothing buffered the stream.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(200);
    expect(harness.workers[0]!.requests.at(-1)!.body).toMatchObject({ model: 'phi3' });
  });

  it('answers an unknown model with 400 the client raises', async () => {
    const user = await signUp(harness.registry.app);
    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: user.token, maxRetries: 0 });
    await expect(
      client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 400 });
  });
});

describe('chat routes through the public origin', () => {
  it('streams session answers token by token, and serves /api/models from the gateway', async () => {
    const owner = await userWithGpt(harness);
    const sessionId = await newSession(harness, owner);
    const started = Date.now();
    const response = await post(
      `${origin}/api/sessions/${sessionId}/messages`,
      owner.auth,
      { content: 'Count' },
      'text/event-stream',
    );
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const firstAfter = Date.now() - started;
    expect(first).toMatch(/^event: delta\ndata: \{"content":"one"\}/);
    let rest = '';
    for (let part = await reader.read(); !part.done; part = await reader.read())
      rest += new TextDecoder().decode(part.value);
    expect(rest).toContain('event: done');
    expect(Date.now() - started - firstAfter).toBeGreaterThan(200);

    const models = await fetch(`${origin}/api/models`, { headers: owner.auth });
    const items = (
      (await models.json()) as { items: Array<{ id: string; available: boolean; workers: unknown[] }> }
    ).items;
    expect(items.find((item) => item.id === 'phi3')).toMatchObject({
      available: true,
      // Not the registry's first account, so not an admin: the worker's URL stays hidden.
      workers: [{ url: 'worker-1', loaded: true }],
    });
    expect(JSON.stringify(items)).not.toContain(harness.workers[0]!.url);

    const sessions = await fetch(`${origin}/api/gpts/${owner.gptId}/sessions`, { headers: owner.auth });
    expect(((await sessions.json()) as { items: unknown[] }).items).toHaveLength(1);
    // The registry's own routes under /api stay with the registry.
    expect((await fetch(`${origin}/api/gpts/${owner.gptId}`, { headers: owner.auth })).status).toBe(200);
  });
});

describe('the public API reference', () => {
  it('describes the registry’s and the gateway’s routes in one document, for the docs UI too', async () => {
    for (const path of ['/api/openapi.json', '/api/docs/json']) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status).toBe(200);
      const document = (await response.json()) as { info: { title: string }; paths: Record<string, object> };
      expect(document.info.title).toBe('Chatty API');
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining([
          '/api/gpts',
          '/api/gpts/{id}',
          '/api/sessions/{sessionId}/messages',
          '/v1/chat/completions',
        ]),
      );
    }
  });
});
