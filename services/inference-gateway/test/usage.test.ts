import { createServer, type Server } from 'node:http';
import type { TokenUsage } from '@chatty/contracts';
import { type OllamaChatRequest, tokensOf } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../../gpt-registry/test/harness.js';
import { type GatewayHarness, newSession, post, startGateway, urlOf, userWithGpt } from './harness.js';

let harness: GatewayHarness;
let admin: Awaited<ReturnType<typeof signUp>>;
let weatherApi: Server;

/** Calls the offered tool once, then answers: a turn of two generations. */
function scriptedModel(request: OllamaChatRequest) {
  const answered = request.messages?.some((message) => message.role === 'tool');
  if (request.tools?.length && !answered)
    return { toolCalls: [{ name: request.tools[0]!.function.name, arguments: { city: 'Oslo' } }] };
  return { tokens: tokensOf(`Hello from ${request.model}`) };
}

beforeAll(async () => {
  weatherApi = createServer((_request, response) => response.end('{"temperature":21}'));
  await new Promise<void>((resolve) => weatherApi.listen(0, '127.0.0.1', resolve));
  harness = await startGateway([
    { models: ['phi3', 'mistral'], reply: scriptedModel },
    // Cut mid-answer when its fault is `reset`: three tokens out of ten, then the connection drops.
    {
      models: ['deepseek-coder'],
      resetAfterTokens: 3,
      reply: () => ({ tokens: tokensOf('one two three four five six seven eight nine ten') }),
    },
  ]);
  // The registry's first account is its admin.
  admin = await signUp(harness.registry.app);
});
afterAll(async () => {
  await harness.close();
  weatherApi.close();
});

const usageOf = async (auth: Record<string, string>, query = '') => {
  const response = await fetch(`${harness.url}/api/usage/tokens${query}`, { headers: auth });
  return { status: response.status, body: (await response.json()) as TokenUsage };
};

async function say(owner: { auth: Record<string, string>; gptId: string }, content: string) {
  const sessionId = await newSession(harness, owner);
  const response = await post(`${harness.url}/api/sessions/${sessionId}/messages`, owner.auth, { content });
  expect(response.status).toBe(200);
}

describe('token usage', () => {
  it('records tokens per user, GPT and model, every generation of a turn counted; a user sees their own', async () => {
    const alice = await userWithGpt(harness, {}, [
      {
        id: '5b0c4b8e-7e1f-4d57-8d1b-2a3c9e0f1a01',
        name: 'get_weather',
        toolName: 'get_weather',
        description: 'Current weather for a city',
        arguments: [{ name: 'city', type: 'string', required: true }],
        url: `${urlOf(weatherApi)}/weather`,
      },
    ]);
    await say(alice, 'Weather in Oslo?');
    await say(alice, 'And now?');
    const base = await post(`${harness.url}/v1/chat/completions`, alice.auth, {
      model: 'mistral',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(base.status).toBe(200);
    const bob = await userWithGpt(harness);
    await say(bob, 'Hi');

    const own = await usageOf(alice.auth);
    expect(own.status).toBe(200);
    expect(own.body.scope).toBe('own');
    const byModel = Object.fromEntries(own.body.items.map((item) => [item.model, item]));
    // Two turns of two generations (a tool call, then the answer); the test worker reports 10 + 10 each.
    expect(byModel.phi3).toMatchObject({
      userId: alice.user.id,
      userEmail: alice.user.email,
      gptId: alice.gptId,
      gptName: 'Helper',
      provider: 'ollama',
      requests: 4,
      promptTokens: 40,
      completionTokens: 40,
    });
    // A base model through /v1 has no GPT.
    expect(byModel.mistral).toMatchObject({ gptId: null, gptName: null, requests: 1, promptTokens: 10 });
    expect(own.body.items.every((item) => item.userId === alice.user.id)).toBe(true);
    expect(own.body.totals).toEqual({ requests: 5, promptTokens: 50, completionTokens: 50 });

    const all = await usageOf(admin.auth);
    expect(all.body.scope).toBe('all');
    const users = new Set(all.body.items.map((item) => item.userEmail));
    expect(users).toEqual(new Set([alice.user.email, bob.user.email]));
  });

  it('counts a stream cut short: each streamed piece a token, the prompt estimated', async () => {
    const carol = await userWithGpt(harness, { modelId: 'deepseek-coder' });
    // A whole answer first: ten tokens, counted as the worker reports them.
    await say(carol, 'Count to ten');
    await harness.workers[1]!.setFault('reset');
    try {
      const sessionId = await newSession(harness, carol);
      const response = await post(
        `${harness.url}/api/sessions/${sessionId}/messages`,
        carol.auth,
        { content: 'Count to ten' },
        'text/event-stream',
      );
      // Three tokens go out, then the stream ends with an error: the only worker failed mid-answer.
      const text = await response.text();
      expect(text).toContain('event: error');
      expect(harness.workers[1]!.requests.length).toBe(2);
    } finally {
      await harness.workers[1]!.setFault(null);
    }
    const own = await usageOf(carol.auth);
    const coder = own.body.items.find((item) => item.model === 'deepseek-coder');
    expect(coder).toMatchObject({ requests: 2, completionTokens: 10 + 3 });
    expect(coder!.promptTokens).toBeGreaterThan(10);
  });

  it('answers 401 without a caller and 400 for a period out of range', async () => {
    expect((await fetch(`${harness.url}/api/usage/tokens`)).status).toBe(401);
    expect((await usageOf(admin.auth, '?days=0')).status).toBe(400);
    expect((await usageOf(admin.auth, '?days=400')).status).toBe(400);
  });
});
