import { type OllamaChatRequest, tokensOf } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayHarness, newSession, post, readEvents, startGateway, userWithGpt } from './harness.js';
import { startWeatherApi, type WeatherApi } from './weather-api.js';

let harness: GatewayHarness;
let weatherApi: WeatherApi;

/** The model: calls a tool when offered one and none has answered yet, then answers from the tool's result. */
function scriptedModel(request: OllamaChatRequest) {
  const messages = request.messages ?? [];
  const toolResult = messages.findLast((message) => message.role === 'tool');
  if (request.tools?.length && !toolResult) {
    return { toolCalls: [{ name: request.tools[0]!.function.name, arguments: { city: 'Oslo' } }] };
  }
  if (toolResult) {
    const { temperature } = JSON.parse(toolResult.content) as { temperature: number };
    return { tokens: tokensOf(`It is ${temperature} degrees in Oslo.`) };
  }
  const system = messages[0]?.content ?? '';
  const actionResult = /Get Weather: (\{.*\})/.exec(system)?.[1];
  if (actionResult)
    return {
      tokens: tokensOf(`Intent says ${(JSON.parse(actionResult) as { temperature: number }).temperature}.`),
    };
  const fact = /The launch code is (\w+)/.exec(system)?.[1];
  return {
    tokens: tokensOf(fact ? `The code is ${fact} [handbook.pdf, page 3].` : `Hello from ${request.model}`),
  };
}

beforeAll(async () => {
  weatherApi = await startWeatherApi();
  harness = await startGateway([
    { models: ['phi3', 'mistral', 'deepseek-coder'], withoutTools: ['mistral'], reply: scriptedModel },
  ]);
});
afterAll(async () => {
  await harness.close();
  await weatherApi.close();
});

const weatherAction = () => weatherApi.action('7b0d4a6e-7a43-4c6b-9a53-1f1c0e0b2a11');

describe('knowledge', () => {
  it('puts a fact only the file holds into the prompt, and cites the file', async () => {
    const owner = await userWithGpt(harness);
    harness.doubles.knowledge.set(owner.gptId, [
      {
        fileId: 'f1d6b2a0-0000-4000-8000-000000000001',
        fileName: 'handbook.pdf',
        page: 3,
        text: 'The launch code is ZEBRA42.',
      },
    ]);
    const sessionId = await newSession(harness, owner);
    const response = await post(`${harness.url}/api/sessions/${sessionId}/messages`, owner.auth, {
      content: 'What is the launch code?',
    });
    const { message } = (await response.json()) as {
      message: { content: string; citations: Array<{ fileName: string; page: number }> };
    };
    const prompt = harness.workers[0]!.requests.at(-1)!.body.messages!;
    expect(prompt[0]!.content).toContain('The launch code is ZEBRA42.');
    expect(prompt[0]!.content).toContain('[handbook.pdf, page 3]');
    expect(message.content).toBe('The code is ZEBRA42 [handbook.pdf, page 3].');
    expect(message.citations).toEqual([
      { fileId: 'f1d6b2a0-0000-4000-8000-000000000001', fileName: 'handbook.pdf', page: 3 },
    ]);
    const search = harness.doubles.searches.at(-1)!;
    expect(search).toMatchObject({ gptId: owner.gptId, query: 'What is the launch code?' });
    // phi3 runs with 4096 tokens of context here: the knowledge budget is a share of what is left.
    expect(search.budgetTokens).toBeGreaterThan(500);
    expect(search.budgetTokens).toBeLessThan(4096);
  });

  it('answers without knowledge or actions when the GPT has none', async () => {
    const owner = await userWithGpt(harness);
    const sessionId = await newSession(harness, owner);
    const response = await post(`${harness.url}/api/sessions/${sessionId}/messages`, owner.auth, {
      content: 'Hi',
    });
    const { message } = (await response.json()) as { message: Record<string, unknown> };
    expect(message.content).toBe('Hello from phi3');
    expect(message.citations).toBeUndefined();
    expect(message.actionCalls).toBeUndefined();
  });
});

describe('actions', () => {
  it("offers the action by its tool name, runs the model's tool call against the action's API and answers from its result, streaming an action event", async () => {
    const owner = await userWithGpt(harness, {}, [weatherAction()]);
    const sessionId = await newSession(harness, owner);
    const response = await post(
      `${harness.url}/api/sessions/${sessionId}/messages`,
      owner.auth,
      { content: 'Weather in Oslo?' },
      'text/event-stream',
    );
    const events = await readEvents(response);
    expect(events.filter((e) => e.event === 'action').map((e) => e.data)).toEqual([
      { name: 'Get Weather', status: 'running' },
      { name: 'Get Weather', status: 'ok' },
    ]);
    const done = events.at(-1)!.data.message as {
      content: string;
      actionCalls: Array<Record<string, unknown>>;
    };
    expect(done.content).toBe('It is 21 degrees in Oslo.');
    expect(done.actionCalls).toEqual([
      expect.objectContaining({
        name: 'Get Weather',
        arguments: { city: 'Oslo' },
        status: 'ok',
        httpStatus: 200,
      }),
    ]);
    expect(weatherApi.calls.at(-1)).toBe('/weather?city=Oslo');
    expect(harness.doubles.executed.at(-1)!.body).toMatchObject({ userId: owner.user.id, sessionId });
    const offered = harness.workers[0]!.requests.find((r) => r.body.tools)!.body.tools!;
    expect(offered[0]!.function).toMatchObject({
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    });
  });

  it('for a model without tool support, triggers the action by intent (its tool name said) and gives the model its result', async () => {
    const owner = await userWithGpt(harness, { modelId: 'mistral' }, [weatherAction()]);
    const sessionId = await newSession(harness, owner);
    const response = await post(`${harness.url}/api/sessions/${sessionId}/messages`, owner.auth, {
      content: 'Run get_weather with city: Bergen please',
    });
    const { message } = (await response.json()) as { message: { content: string; actionCalls: unknown[] } };
    expect(message.content).toBe('Intent says 21.');
    expect(message.actionCalls).toEqual([
      expect.objectContaining({ name: 'Get Weather', arguments: { city: 'Bergen' } }),
    ]);
    expect(harness.workers[0]!.requests.at(-1)!.body.tools).toBeUndefined();
  });
});

describe('synth models', () => {
  it('merges the answers of the member models with the synthesizer', async () => {
    const owner = await userWithGpt(harness, { modelId: 'chatty-core' });
    const sessionId = await newSession(harness, owner);
    const before = harness.workers[0]!.requests.length;
    const response = await post(`${harness.url}/api/sessions/${sessionId}/messages`, owner.auth, {
      content: 'Hi',
    });
    const { message } = (await response.json()) as { message: { content: string; model: string } };
    expect(message).toMatchObject({ content: 'Hello from mistral', model: 'chatty-core' });
    const asked = harness.workers[0]!.requests.slice(before);
    expect(asked.map((r) => r.body.model).sort()).toEqual(['deepseek-coder', 'mistral', 'phi3']);
    const merge = asked.find((r) => r.body.model === 'mistral')!.body.messages!.at(-1)!.content;
    expect(merge).toContain('Hello from deepseek-coder');
    expect(merge).toContain('Hello from phi3');
  });
});
