import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type OllamaChatRequest, tokensOf } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionStack, startActionStack } from '../../gpt-registry/test/actions/action-stack.js';
import { createGpt, signUp } from '../../gpt-registry/test/harness.js';
import { multipartFile } from '../../gpt-registry/test/images.js';
import { type BareGateway, newSession, post, readEvents, startBareGateway, urlOf } from './harness.js';

/*
 * The gateway against the real registry and a real action-runner (no contract doubles): the GPT's
 * runtime, its persistent context and the action's execution all go through their internal routes.
 */
let stack: ActionStack;
let chat: BareGateway;
/** file-ingest's search, as its contract answers it, recording what the gateway asks. */
let ingest: { url: string; searches: string[]; close(): Promise<void> };

async function startSearchRecorder(): Promise<typeof ingest> {
  const searches: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (part) => (body += part));
    request.on('end', () => {
      searches.push(body);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ mode: 'ranked', chunks: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    searches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function model(request: OllamaChatRequest) {
  // The turns of the test of changes only look at what the gateway sent.
  if (request.messages?.at(-1)?.content === 'Hello?') return { tokens: tokensOf('Hello.') };
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
  ingest = await startSearchRecorder();
  chat = await startBareGateway(
    {
      registryUrl: urlOf(stack.registry.app.server),
      ingestUrl: ingest.url,
      databaseUrl: stack.registry.database.url,
    },
    [{ models: ['phi3'], reply: model }],
  );
});
afterAll(async () => {
  await chat.close();
  await ingest.close();
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

  it('sees each change to the GPT at the next message, and searches knowledge only once it has a file', async () => {
    const owner = await signUp(stack.registry.app);
    const gpt = await createGpt(stack.registry.app, owner.auth, {
      name: 'Changing',
      instructions: 'Speak like a pirate.',
      modelId: 'phi3',
    });
    const sessionId = await newSession(chat, { auth: owner.auth, gptId: gpt.id });
    const worker = chat.workers[0]!;
    const ask = async () => {
      const response = await post(`${chat.url}/api/sessions/${sessionId}/messages`, owner.auth, {
        content: 'Hello?',
      });
      expect(response.status, await response.clone().text()).toBe(200);
      return worker.requests.at(-1)!.body;
    };
    const change = async (method: 'PUT' | 'POST', url: string, payload: object) => {
      const response = await stack.registry.app.inject({ method, url, headers: owner.auth, payload });
      expect(response.statusCode, response.body).toBeLessThan(300);
    };
    const searchesBefore = ingest.searches.length;

    expect((await ask()).messages![0]!.content).toContain('Speak like a pirate.');
    await change('PUT', `/api/gpts/${gpt.id}`, { instructions: 'Answer in French.' });
    const changed = await ask();
    expect(changed.messages![0]!.content).toContain('Answer in French.');
    expect(changed.messages![0]!.content).not.toContain('pirate');
    expect(changed.tools ?? []).toEqual([]);
    await change('POST', `/api/gpts/${gpt.id}/actions`, {
      name: 'Weather',
      description: 'The weather',
      url: `${stack.target.url}/weather`,
      method: 'GET',
    });
    expect((await ask()).tools!.map((tool) => tool.function.name)).toEqual(['weather']);
    // No file yet: file-ingest was never asked.
    expect(ingest.searches.length).toBe(searchesBefore);

    const file = multipartFile('notes.txt', 'text/plain', Buffer.from('The launch code is ZEBRA42.'));
    const uploaded = await stack.registry.app.inject({
      method: 'POST',
      url: `/api/gpts/${gpt.id}/files`,
      headers: { ...owner.auth, ...file.headers },
      payload: file.payload,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(202);
    await ask();
    expect(ingest.searches.slice(searchesBefore).map((body) => JSON.parse(body).gptId)).toEqual([gpt.id]);

    // Access is checked on every turn: the runtime held from the turns before does not let a stranger in.
    const stranger = await signUp(stack.registry.app);
    const theirs = await post(`${chat.url}/v1/chat/completions`, stranger.auth, {
      model: gpt.id,
      messages: [{ role: 'user', content: 'Hello?' }],
    });
    expect(theirs.status).toBe(404);
    // Nor into the owner's session, which this replica has answered (and so prepares ahead).
    const asked = worker.requests.length;
    const intruding = await post(`${chat.url}/api/sessions/${sessionId}/messages`, stranger.auth, {
      content: 'Hello?',
    });
    expect(intruding.status).toBe(404);
    expect(worker.requests.length).toBe(asked);
  });
});
