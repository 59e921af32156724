import { randomUUID } from 'node:crypto';
import { ChattyClient, ROUTES, type RouteName, readEvents } from '@chatty/client';
import { ChatStreamEvents, type RouteContract } from '@chatty/contracts';
import { tokensOf } from '@chatty/testkit';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionStack, startActionStack } from '../../services/gpt-registry/test/actions/action-stack.js';
import { signUp } from '../../services/gpt-registry/test/harness.js';
import { startDoubles } from '../../services/inference-gateway/test/contract-doubles.js';
import { type GatewayHarness, gatewayWith, urlOf } from '../../services/inference-gateway/test/harness.js';

/*
 * The client (@chatty/client) against a started origin, every answer checked against its contract:
 * each call goes through a fetch that finds the route's contract by method and path, and checks the
 * status is one the contract names and the body (JSON, or each event of a stream) is its schema.
 */

let stack: ActionStack;
let harness: GatewayHarness;
let web: WebApp;
let origin: string;

beforeAll(async () => {
  stack = await startActionStack();
  await stack.registry.app.listen({ port: 0, host: '127.0.0.1' });
  const doubles = await startDoubles(urlOf(stack.registry.app.server));
  harness = await gatewayWith({ registry: stack.registry, doubles, close: async () => {} }, [
    { models: ['phi3', 'mistral', 'deepseek-coder'], reply: () => ({ tokens: tokensOf('A short answer.') }) },
  ]);
  web = await buildWeb(
    loadWebConfig({
      REGISTRY_URL: urlOf(stack.registry.app.server),
      GATEWAY_URL: harness.url,
      LOG_LEVEL: 'silent',
    }),
  );
  await web.listen({ port: 0, host: '127.0.0.1' });
  origin = urlOf(web.server);
}, 60_000);

afterAll(async () => {
  await web?.close();
  await harness?.close();
  await harness?.doubles.close();
  await stack?.close();
});

/** The client's route for a request: literal paths before those with parameters. */
function routeOf(method: string, path: string): [RouteName, RouteContract] | undefined {
  const candidates = (Object.entries(ROUTES) as Array<[RouteName, RouteContract]>)
    .filter(([, route]) => route.method === method)
    .filter(([, route]) => new RegExp(`^${route.url.replace(/:\w+/g, '[^/]+')}$`).test(path));
  return candidates.sort(([, a], [, b]) => a.url.split(':').length - b.url.split(':').length)[0];
}

function problemsOf(schema: TSchema, value: unknown): string[] {
  return Value.Check(schema, value)
    ? []
    : [...Value.Errors(schema, value)].map((error) => `${error.instancePath || '/'} ${error.message}`);
}

/** A fetch that checks every answer against the contract of the route it was for. */
function contractCheckingFetch(
  seen: Set<RouteName>,
  problems: string[],
  streams: Promise<void>[],
): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const method = (init?.method ?? 'GET').toUpperCase();
    const path = new URL(String(input)).pathname;
    const found = routeOf(method, path);
    if (!found) {
      problems.push(`${method} ${path}: the client called a route it has no contract for`);
      return response;
    }
    const [name, route] = found;
    seen.add(name);
    const schema = route.schema.response[response.status];
    const type = response.headers.get('content-type') ?? '';
    if (!schema) problems.push(`${name}: answered ${response.status}, which its contract does not name`);
    else if (type.includes('text/event-stream')) {
      streams.push(checkEvents(name, response.clone().body!, problems));
    } else if (type.includes('application/json')) {
      problems.push(...problemsOf(schema, await response.clone().json()).map((each) => `${name}: ${each}`));
    } else if (response.status === 204) {
      problems.push(...problemsOf(schema, null).map((each) => `${name} (204): ${each}`));
    }
    return response;
  };
}

async function checkEvents(name: RouteName, body: ReadableStream<Uint8Array>, problems: string[]) {
  for await (const event of readEvents(body)) {
    const schema = ChatStreamEvents[event.event as keyof typeof ChatStreamEvents];
    if (!schema) problems.push(`${name}: an event "${event.event}" no contract names`);
    else
      problems.push(
        ...problemsOf(schema, JSON.parse(event.data)).map((each) => `${name} ${event.event}: ${each}`),
      );
  }
}

describe('the client against the contracts', () => {
  it('every route the client calls answers as its contract says', { timeout: 60_000 }, async () => {
    const seen = new Set<RouteName>();
    const problems: string[] = [];
    const streams: Promise<void>[] = [];
    const user = await signUp(stack.registry.app);
    const client = new ChattyClient({
      baseUrl: origin,
      token: user.token,
      fetch: contractCheckingFetch(seen, problems, streams),
    });

    expect((await client.me()).email).toBe(user.email);
    expect((await client.listModels()).length).toBeGreaterThan(0);
    const gpt = await client.createGpt({ name: 'Checked', modelId: 'phi3', instructions: 'Be brief.' });
    await client.updateGpt(gpt.id, { description: 'Second version' });
    expect((await client.getGpt(gpt.id)).version).toBe(2);
    expect((await client.listGpts()).map((each) => each.id)).toContain(gpt.id);
    expect(await client.listSharedGpts()).toEqual([]);
    // What a chat-scoped API key reads of its GPTs: /v1/models.
    expect((await client.listOpenAiModels()).find((model) => model.id === gpt.id)?.name).toBe('Checked');
    expect(await client.getOpenAiModel(gpt.id)).toMatchObject({
      id: gpt.id,
      owned_by: 'user',
      name: 'Checked',
    });
    expect(await client.listVersions(gpt.id)).toHaveLength(2);

    const file = await client.uploadFile(gpt.id, {
      name: 'notes.md',
      data: new TextEncoder().encode('# Notes\n'),
    });
    expect((await client.getFile(file.id)).originalName).toBe('notes.md');
    expect(await client.listFiles(gpt.id)).toHaveLength(1);

    const action = await client.createAction(gpt.id, { name: 'Ping', url: `${stack.target.url}/ping` });
    await client.updateAction(action.id, { description: 'Checks the target' });
    expect(await client.listActions(gpt.id)).toHaveLength(1);
    expect((await client.executeAction(action.id)).status).toBe(200);

    const archive = await client.exportGpt(gpt.id);
    const imported = await client.importGpt({ name: 'checked.chatty.zip', data: archive });
    expect(imported.created).toBe(true);

    // The chat: the gateway reads the GPT through the runtime double.
    harness.doubles.runtimes.set(gpt.id, {
      userId: user.user.id,
      gpt: { id: gpt.id, name: gpt.name, instructions: 'Be brief.', modelId: 'phi3' },
      actions: [],
    });
    const session = await client.createSession(gpt.id);
    expect((await client.sendMessage(session.id, 'Hello?')).content).toBe('A short answer.');
    const events = [];
    for await (const event of client.streamMessage(session.id, 'Again?')) events.push(event.type);
    expect(events.at(-1)).toBe('done');
    expect((await client.getSession(session.id)).messages).toHaveLength(4);
    expect(await client.listSessions(gpt.id)).toHaveLength(1);
    // No call of this answer waits (the flow itself: test/cli/chatty-cli.test.ts): the contract's 404.
    await expect(client.decideConfirmation(session.id, randomUUID(), true)).rejects.toMatchObject({
      status: 404,
    });
    await client.deleteSession(session.id);

    await client.deleteAction(action.id);
    expect((await client.setFileActive(file.id, false)).isActive).toBe(false);
    await client.deleteFile(file.id);
    await client.deleteGpt(imported.gpt.id);
    await client.deleteGpt(gpt.id);

    await Promise.all(streams);
    expect(problems).toEqual([]);
    expect([...seen].sort()).toEqual(Object.keys(ROUTES).sort());
  });
});
