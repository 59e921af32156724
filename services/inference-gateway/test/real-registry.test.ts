import { type OllamaChatRequest, tokensOf } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionStack, startActionStack } from '../../gpt-registry/test/actions/action-stack.js';
import { createGpt, signUp } from '../../gpt-registry/test/harness.js';
import { type BareGateway, newSession, post, readEvents, startBareGateway, urlOf } from './harness.js';

/*
 * The gateway against the real registry and a real action-runner (no contract doubles): the GPT's
 * runtime, its persistent context and the action's execution all go through their internal routes.
 */
let stack: ActionStack;
let chat: BareGateway;

function model(request: OllamaChatRequest) {
  const toolResult = request.messages?.findLast((message) => message.role === 'tool');
  if (request.tools?.length && !toolResult) {
    return { toolCalls: [{ name: request.tools[0]!.function.name, arguments: { order: 'A-17' } }] };
  }
  if (toolResult)
    return { tokens: tokensOf(`Order status: ${(JSON.parse(toolResult.content) as { path: string }).path}`) };
  return { tokens: tokensOf('no tools') };
}

beforeAll(async () => {
  stack = await startActionStack();
  await stack.registry.app.listen({ port: 0, host: '127.0.0.1' });
  chat = await startBareGateway({ registryUrl: urlOf(stack.registry.app.server) }, [
    { models: ['phi3'], reply: model },
  ]);
});
afterAll(async () => {
  await chat.close();
  await stack.close();
});

describe('with the real registry and action-runner', () => {
  it("offers the GPT's action as a tool by its derived name, runs it through the registry and the runner, and answers from its result", async () => {
    const owner = await signUp(stack.registry.app);
    const gpt = await createGpt(stack.registry.app, owner.auth, {
      name: 'Orders',
      instructions: 'You track orders.',
      modelId: 'phi3',
    });
    const action = await stack.registry.app.inject({
      method: 'POST',
      url: `/api/gpts/${gpt.id}/actions`,
      headers: owner.auth,
      payload: {
        name: 'Order Status',
        description: 'Looks up an order',
        url: `${stack.target.url}/orders/{{order}}`,
        method: 'GET',
        arguments: [{ name: 'order', type: 'string', description: 'Order number', required: true }],
      },
    });
    expect(action.statusCode, action.body).toBe(201);
    await stack.registry.app.inject({
      method: 'PUT',
      url: `/api/gpts/${gpt.id}/context`,
      headers: owner.auth,
      payload: { context: 'Customer since 2019.' },
    });

    const sessionId = await newSession(chat, { auth: owner.auth, gptId: gpt.id });
    const response = await post(
      `${chat.url}/api/sessions/${sessionId}/messages`,
      owner.auth,
      { content: 'Where is order A-17?' },
      'text/event-stream',
    );
    const events = await readEvents(response);
    expect(events.filter((e) => e.event === 'action').map((e) => e.data)).toEqual([
      { name: 'Order Status', status: 'running' },
      { name: 'Order Status', status: 'ok' },
    ]);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect((done.data.message as { content: string }).content).toBe('Order status: /orders/A-17');
    expect(stack.target.received.at(-1)!.url).toBe('/orders/A-17');
    const firstPrompt = chat.workers[0]!.requests[0]!.body;
    expect(firstPrompt.messages![0]!.content).toContain('You track orders.');
    expect(firstPrompt.messages![0]!.content).toContain('Customer since 2019.');
    // The model calls it by the tool name the registry derived from the display name.
    expect(firstPrompt.tools![0]!.function.name).toBe('order_status');

    const stranger = await signUp(stack.registry.app);
    const theirs = await post(`${chat.url}/api/gpts/${gpt.id}/sessions`, stranger.auth, {});
    expect(theirs.status).toBe(404);
  });
});
