import { type OllamaChatRequest, tokensOf } from '@chatty/testkit';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionStack, startActionStack } from '../../gpt-registry/test/actions/action-stack.js';
import { type BareGateway, post, readEvents, startBareGateway, urlOf } from './harness.js';

/*
 * Three people through the public origin, with the real registry, action-runner and gateway: Alice
 * invites Bob and Carol to her team, shares a GPT with an action, Carol chats with it, Alice and Bob
 * edit it at the same time, Bob publishes it, Carol and Bob rate it, Carol copies it.
 */
let stack: ActionStack;
let chat: BareGateway;
let web: WebApp;
let origin: string;

const API_SECRET = 'sk-live-alices-weather-secret';

function model(request: OllamaChatRequest) {
  const toolResult = request.messages?.findLast((message) => message.role === 'tool');
  if (request.tools?.length && !toolResult) {
    return { toolCalls: [{ name: request.tools[0]!.function.name, arguments: { city: 'Paris' } }] };
  }
  const system = request.messages?.[0]?.content ?? '';
  const persona = /Speak like a (\w+)/.exec(system)?.[1] ?? 'nobody';
  return {
    tokens: tokensOf(toolResult ? `As a ${persona}: the service answered.` : `A ${persona} says hi.`),
  };
}

beforeAll(async () => {
  stack = await startActionStack();
  await stack.registry.app.listen({ port: 0, host: '127.0.0.1' });
  chat = await startBareGateway(
    { registryUrl: urlOf(stack.registry.app.server), databaseUrl: stack.registry.database.url },
    [{ models: ['phi3'], reply: model }],
  );
  web = await buildWeb(
    loadWebConfig({
      REGISTRY_URL: urlOf(stack.registry.app.server),
      GATEWAY_URL: chat.url,
      LOG_LEVEL: 'silent',
    }),
  );
  await web.listen({ port: 0, host: '127.0.0.1' });
  origin = urlOf(web.server);
});
afterAll(async () => {
  await web?.close();
  await chat?.close();
  await stack?.close();
});

type Person = { auth: Record<string, string>; id: string; email: string };

async function api(person: Person | null, method: string, path: string, body?: unknown, headers = {}) {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: {
      ...(person?.auth ?? {}),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}

async function signUp(name: string): Promise<Person> {
  const email = `${name.toLowerCase()}-${Date.now()}@example.com`;
  const response = await api(null, 'POST', '/api/auth/signup', {
    email,
    password: 'correct horse battery',
    name,
  });
  expect(response.status, response.text).toBe(201);
  return { auth: { authorization: `Bearer ${response.json.token}` }, id: response.json.user.id, email };
}

async function ask(person: Person, sessionId: string, content: string) {
  const response = await post(
    `${origin}/api/sessions/${sessionId}/messages`,
    person.auth,
    { content },
    'text/event-stream',
  );
  return {
    status: response.status,
    events: response.ok ? await readEvents(response) : [],
    text: response.ok ? '' : await response.text(),
  };
}

describe('a team through the public origin', () => {
  it('walks three people through invite → share → chat → concurrent edit → publish → rate → copy', {
    timeout: 60_000,
  }, async () => {
    const alice = await signUp('Alice');
    const bob = await signUp('Bob');
    const carol = await signUp('Carol');

    // Invite: a link bound to each email, accepted by that person signed in.
    const team = await api(alice, 'POST', '/api/workspaces', { name: 'Weather team' });
    expect(team.status).toBe(201);
    for (const person of [bob, carol]) {
      const invitation = await api(alice, 'POST', `/api/workspaces/${team.json.id}/invitations`, {
        email: person.email,
        expiresInHours: 24,
      });
      expect(invitation.status, invitation.text).toBe(201);
      expect(invitation.json.url).toBe(`/#/invitations/${invitation.json.token}`);
      const wrongPerson = person === bob ? carol : bob;
      expect(
        (await api(wrongPerson, 'POST', `/api/invitations/${invitation.json.token}/accept`)).status,
      ).toBe(403);
      expect((await api(person, 'POST', `/api/invitations/${invitation.json.token}/accept`)).status).toBe(
        200,
      );
    }
    const members = await api(carol, 'GET', `/api/workspaces/${team.json.id}/members`);
    expect(members.json.items.map((member: { email: string }) => member.email).sort()).toEqual(
      [alice.email, bob.email, carol.email].sort(),
    );

    // Share: a GPT with an action holding Alice's secret, with the team (can chat) and Bob (can edit).
    const gpt = await api(alice, 'POST', '/api/gpts', {
      name: 'Weather',
      instructions: 'Speak like a pirate.',
      modelId: 'phi3',
    });
    const gptId = gpt.json.id as string;
    const action = await api(alice, 'POST', `/api/gpts/${gptId}/actions`, {
      name: 'forecast',
      description: 'The forecast for a city',
      url: `${stack.target.url}/forecast/{{city}}`,
      method: 'GET',
      headers: { 'X-Api-Key': API_SECRET },
      arguments: [{ name: 'city', type: 'string', description: 'City', required: true }],
    });
    expect(action.status, action.text).toBe(201);
    expect(
      (
        await api(alice, 'POST', `/api/gpts/${gptId}/shares`, {
          workspaceId: team.json.id,
          permission: 'chat',
        })
      ).status,
    ).toBe(201);
    expect(
      (await api(alice, 'POST', `/api/gpts/${gptId}/shares`, { email: bob.email, permission: 'edit' }))
        .status,
    ).toBe(201);
    const sharedWithCarol = await api(carol, 'GET', '/api/gpts/shared');
    expect(sharedWithCarol.json.items).toEqual([expect.objectContaining({ id: gptId, access: 'chat' })]);

    // Chat: Carol's chat uses Alice's action (and secret) without her seeing either; her session is hers.
    const session = await api(carol, 'POST', `/api/gpts/${gptId}/sessions`, {});
    expect(session.status, session.text).toBe(201);
    const answer = await ask(carol, session.json.id, 'Weather in Paris?');
    expect(answer.events.filter((event) => event.event === 'action').map((event) => event.data)).toEqual([
      { name: 'forecast', status: 'running' },
      { name: 'forecast', status: 'ok' },
    ]);
    expect((answer.events.at(-1)!.data.message as { content: string }).content).toBe(
      'As a pirate: the service answered.',
    );
    const call = stack.target.received.at(-1)!;
    expect(call.url).toBe('/forecast/Paris');
    expect(call.headers['x-api-key']).toBe(API_SECRET);
    expect(JSON.stringify(answer.events)).not.toContain(API_SECRET);
    expect(JSON.stringify(answer.events)).not.toContain(stack.target.url);
    // The owner's actions stay the owner's: not even listed to those the GPT is shared with.
    expect((await api(carol, 'GET', `/api/gpts/${gptId}/actions`)).status).toBe(404);
    expect((await api(alice, 'GET', `/api/sessions/${session.json.id}`)).status).toBe(404);
    expect((await api(alice, 'GET', `/api/gpts/${gptId}/sessions`)).json.items).toEqual([]);
    expect((await api(carol, 'GET', `/api/sessions/${session.json.id}`)).json.messages.length).toBe(2);

    // Concurrent edit: both start from version 1; Bob saves first, Alice's stale save is refused.
    const aliceView = await api(alice, 'GET', `/api/gpts/${gptId}`);
    const bobView = await api(bob, 'GET', `/api/gpts/${gptId}`);
    expect(bobView.json.access).toBe('edit');
    const bobSave = await api(
      bob,
      'PUT',
      `/api/gpts/${gptId}`,
      { instructions: 'Speak like a sailor.' },
      {
        'if-match': bobView.headers.get('etag')!,
      },
    );
    expect(bobSave.status, bobSave.text).toBe(200);
    const aliceSave = await api(
      alice,
      'PUT',
      `/api/gpts/${gptId}`,
      { instructions: 'Speak like a poet.' },
      {
        'if-match': aliceView.headers.get('etag')!,
      },
    );
    expect(aliceSave.status).toBe(409);
    expect(aliceSave.json.error.code).toBe('VERSION_CONFLICT');
    expect(aliceSave.headers.get('etag')).toBe('"2"');
    const versions = await api(alice, 'GET', `/api/gpts/${gptId}/versions`);
    expect(
      versions.json.items.map((v: { version: number; author: { name: string } }) => [
        v.version,
        v.author.name,
      ]),
    ).toEqual([
      [2, 'Bob'],
      [1, 'Alice'],
    ]);

    // Publish: Bob publishes version 2; Alice's later draft does not change what the team sees.
    const published = await api(bob, 'POST', `/api/gpts/${gptId}/publish`, {
      workspaceId: team.json.id,
      category: 'Travel',
    });
    expect(published.status, published.text).toBe(200);
    expect(published.json.version).toBe(2);
    const draft = await api(
      alice,
      'PUT',
      `/api/gpts/${gptId}`,
      { name: 'Weather (draft)' },
      { 'if-match': '"2"' },
    );
    expect(draft.status).toBe(200);
    const found = await api(carol, 'GET', `/api/workspaces/${team.json.id}/catalogue?q=travel`);
    expect(found.json.items).toEqual([
      expect.objectContaining({
        gptId,
        name: 'Weather',
        version: 2,
        category: 'Travel',
        conversationCount: 1,
      }),
    ]);

    // Rate: members rate 1–5 with a short review.
    expect(
      (
        await api(carol, 'PUT', `/api/workspaces/${team.json.id}/catalogue/${gptId}/review`, {
          rating: 5,
          review: 'Spot on',
        })
      ).status,
    ).toBe(200);
    expect(
      (await api(bob, 'PUT', `/api/workspaces/${team.json.id}/catalogue/${gptId}/review`, { rating: 4 }))
        .status,
    ).toBe(200);
    const rated = await api(carol, 'GET', `/api/workspaces/${team.json.id}/catalogue`);
    expect(rated.json.items[0].rating).toEqual({ average: 4.5, count: 2, mine: 5 });

    // Copy: Carol copies it as a template into her own GPTs; the copy is hers, without Alice's action.
    const copy = await api(carol, 'POST', `/api/gpts/${gptId}/copy`, { name: 'My weather' });
    expect(copy.status, copy.text).toBe(201);
    expect(copy.json).toMatchObject({
      name: 'My weather',
      userId: carol.id,
      instructions: 'Speak like a sailor.',
    });
    expect((await api(carol, 'GET', `/api/gpts/${copy.json.id}/actions`)).json.items).toEqual([]);
    expect((await api(carol, 'GET', '/api/gpts')).json.items.map((g: { id: string }) => g.id)).toEqual([
      copy.json.id,
    ]);

    // Removing access takes effect at once: out of the team, Carol's open session stops answering.
    expect((await api(alice, 'DELETE', `/api/workspaces/${team.json.id}/members/${carol.id}`)).status).toBe(
      204,
    );
    const after = await ask(carol, session.json.id, 'And tomorrow?');
    expect(after.status).toBe(404);
    expect((await api(carol, 'GET', `/api/gpts/${gptId}`)).status).toBe(404);
  });
});
