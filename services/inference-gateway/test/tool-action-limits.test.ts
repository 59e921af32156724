import { type OllamaChatRequest, tokensOf } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionStack, startActionStack } from '../../gpt-registry/test/actions/action-stack.js';
import { createGpt, signUp } from '../../gpt-registry/test/harness.js';
import { type BareGateway, newSession, post, readEvents, startBareGateway, urlOf } from './harness.js';

/*
 * The registry's per-user action limit (ACTION_RATE_PER_MINUTE) seen from the chat: the gateway's
 * tool calls go through the registry's internal execute route and count with the user's direct runs.
 */
let stack: ActionStack;
let chat: BareGateway;

/** Calls the GPT's tool once per turn, then answers with what the tool said. */
function model(request: OllamaChatRequest) {
  const toolResult = request.messages?.findLast((message) => message.role === 'tool');
  if (request.tools?.length && !toolResult)
    return { toolCalls: [{ name: request.tools[0]!.function.name, arguments: {} }] };
  return { tokens: tokensOf(`Tool said: ${toolResult?.content ?? 'nothing'}`) };
}

beforeAll(async () => {
  stack = await startActionStack({ env: { ACTION_RATE_PER_MINUTE: '2' } });
  await stack.registry.app.listen({ port: 0, host: '127.0.0.1' });
  chat = await startBareGateway({ registryUrl: urlOf(stack.registry.app.server) }, [
    { models: ['phi3'], reply: model },
  ]);
});
afterAll(async () => {
  await chat.close();
  await stack.close();
});

describe("a chat's tool calls under the registry's action limit", () => {
  it('count with direct executions, and a refused one is a failed action the model is told about', async () => {
    const owner = await signUp(stack.registry.app);
    const gpt = await createGpt(stack.registry.app, owner.auth, { name: 'Pinger', modelId: 'phi3' });
    const created = await stack.registry.app.inject({
      method: 'POST',
      url: `/api/gpts/${gpt.id}/actions`,
      headers: owner.auth,
      payload: { name: 'ping', description: 'Pings', url: `${stack.target.url}/ping`, method: 'GET' },
    });
    const actionId = (created.json() as { id: string }).id;
    const direct = await stack.registry.app.inject({
      method: 'POST',
      url: `/api/gpts/actions/${actionId}/execute`,
      headers: owner.auth,
      payload: {},
    });
    expect(direct.statusCode).toBe(200);

    const sessionId = await newSession(chat, { auth: owner.auth, gptId: gpt.id });
    const turn = async () => {
      const events = await readEvents(
        await post(
          `${chat.url}/api/sessions/${sessionId}/messages`,
          owner.auth,
          { content: 'ping it' },
          'text/event-stream',
        ),
      );
      expect(events.at(-1)!.event).toBe('done');
      return (
        events.at(-1)!.data as { message: { content: string; actionCalls: Array<Record<string, unknown>> } }
      ).message;
    };
    const allowed = await turn();
    expect(allowed.actionCalls[0]).toMatchObject({ name: 'ping', status: 'ok', httpStatus: 200 });

    const refused = await turn();
    expect(refused.actionCalls[0]).toMatchObject({
      name: 'ping',
      status: 'error',
      error: expect.stringMatching(/^RATE_LIMITED: At most 2 action executions a minute/),
    });
    expect(refused.content).toContain('The action failed (RATE_LIMITED');
    expect(stack.target.received.filter((request) => request.url === '/ping')).toHaveLength(2);
  });
});
