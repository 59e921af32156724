import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, signUp } from '../harness.js';
import { type ActionStack, startActionStack } from './action-stack.js';

let stack: ActionStack;
let owner: Awaited<ReturnType<typeof signUp>>;
let stranger: Awaited<ReturnType<typeof signUp>>;
let gptId: string;
let actionId: string;

const OPENAPI = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 't', version: '1' },
  servers: [{ url: 'https://api.example.com' }],
  paths: { '/ping': { get: { operationId: 'ping' } } },
});

beforeAll(async () => {
  stack = await startActionStack();
  owner = await signUp(stack.registry.app);
  stranger = await signUp(stack.registry.app);
  gptId = (await createGpt(stack.registry.app, owner.auth)).id;
  const created = await stack.registry.app.inject({
    method: 'POST',
    url: `/api/gpts/${gptId}/actions`,
    headers: owner.auth,
    payload: {
      name: 'probe',
      url: `${stack.target.url}/probe`,
      headers: { Authorization: 'Bearer owner-only' },
    },
  });
  actionId = created.json().id;
});
afterAll(() => stack.close());

type Call = { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: () => string; payload?: object };

/** Every action route. A new one belongs here too. */
const actionRoutes: Record<string, Call> = {
  'POST /api/gpts/:id/actions': {
    method: 'POST',
    url: () => `/api/gpts/${gptId}/actions`,
    payload: { name: 'intruder', url: 'https://example.com/' },
  },
  'GET /api/gpts/:id/actions': { method: 'GET', url: () => `/api/gpts/${gptId}/actions` },
  'PUT /api/gpts/actions/:actionId': {
    method: 'PUT',
    url: () => `/api/gpts/actions/${actionId}`,
    payload: { url: 'https://attacker.example/' },
  },
  'DELETE /api/gpts/actions/:actionId': { method: 'DELETE', url: () => `/api/gpts/actions/${actionId}` },
  'POST /api/gpts/actions/:actionId/execute': {
    method: 'POST',
    url: () => `/api/gpts/actions/${actionId}/execute`,
    payload: {},
  },
  'POST /api/gpts/:id/actions/import': {
    method: 'POST',
    url: () => `/api/gpts/${gptId}/actions/import`,
    payload: { openapi: OPENAPI },
  },
  'GET /api/gpts/:id/actions/runs': { method: 'GET', url: () => `/api/gpts/${gptId}/actions/runs` },
};

describe("another user's action or GPT", () => {
  it.each(Object.entries(actionRoutes))('%s answers 404 and changes nothing', async (_route, call) => {
    const list = () =>
      stack.registry.app.inject({ method: 'GET', url: `/api/gpts/${gptId}/actions`, headers: owner.auth });
    const before = (await list()).json();
    const sent = stack.target.received.length;
    const response = await stack.registry.app.inject({
      method: call.method,
      url: call.url(),
      headers: stranger.auth,
      ...(call.payload && { payload: call.payload }),
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('NOT_FOUND');
    expect((await list()).json()).toEqual(before);
    expect(stack.target.received.length).toBe(sent);
  });
});

describe('no credentials', () => {
  it.each(Object.entries(actionRoutes))('%s answers 401', async (_route, call) => {
    const response = await stack.registry.app.inject({
      method: call.method,
      url: call.url(),
      ...(call.payload && { payload: call.payload }),
    });
    expect(response.statusCode).toBe(401);
  });
});
