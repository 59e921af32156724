import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { multipartFile, PNG_1X1 } from '../images.js';

let registry: RegistryHarness;
let owner: Awaited<ReturnType<typeof signUp>>;
let stranger: Awaited<ReturnType<typeof signUp>>;
let gptId: string;

beforeAll(async () => {
  registry = await startRegistry();
  owner = await signUp(registry.app);
  stranger = await signUp(registry.app);
  gptId = (await createGpt(registry.app, owner.auth)).id;
});
afterAll(() => registry.close());

type Call = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: () => string;
  payload?: string | object | Buffer;
  headers?: Record<string, string>;
};

/** Every route that names a GPT. A new one belongs here too. */
const routesNamingAGpt: Record<string, Call> = {
  'GET /api/gpts/:id': { method: 'GET', url: () => `/api/gpts/${gptId}` },
  'PUT /api/gpts/:id': { method: 'PUT', url: () => `/api/gpts/${gptId}`, payload: { name: 'Hijacked' } },
  'DELETE /api/gpts/:id': { method: 'DELETE', url: () => `/api/gpts/${gptId}` },
  'GET /api/gpts/:id/versions': { method: 'GET', url: () => `/api/gpts/${gptId}/versions` },
  'GET /api/gpts/:id/versions/:version': { method: 'GET', url: () => `/api/gpts/${gptId}/versions/1` },
  'GET /api/usage?gptId=': { method: 'GET', url: () => `/api/usage?gptId=${gptId}` },
  'POST /api/gpts/:id/avatar (generate)': { method: 'POST', url: () => `/api/gpts/${gptId}/avatar` },
  'GET /api/gpts/:id/shares': { method: 'GET', url: () => `/api/gpts/${gptId}/shares` },
  'POST /api/gpts/:id/shares': {
    method: 'POST',
    url: () => `/api/gpts/${gptId}/shares`,
    payload: { email: 'someone@example.com', permission: 'edit' },
  },
  'DELETE /api/gpts/:id/shares/:shareId': {
    method: 'DELETE',
    url: () => `/api/gpts/${gptId}/shares/00000000-0000-4000-8000-000000000000`,
  },
  'GET /api/gpts/:id/publications': { method: 'GET', url: () => `/api/gpts/${gptId}/publications` },
  'DELETE /api/gpts/:id/publish/:workspaceId': {
    method: 'DELETE',
    url: () => `/api/gpts/${gptId}/publish/00000000-0000-4000-8000-000000000000`,
  },
  'POST /api/gpts/:id/copy': { method: 'POST', url: () => `/api/gpts/${gptId}/copy`, payload: {} },
  'POST /api/gpts/:id/avatar (upload)': {
    method: 'POST',
    url: () => `/api/gpts/${gptId}/avatar`,
    ...multipartFile('a.png', 'image/png', PNG_1X1),
  },
};

describe("another user's GPT", () => {
  it.each(Object.entries(routesNamingAGpt))('%s answers 404 and changes nothing', async (_route, call) => {
    const before = (
      await registry.app.inject({ method: 'GET', url: `/api/gpts/${gptId}`, headers: owner.auth })
    ).json();
    const response = await registry.app.inject({
      method: call.method,
      url: call.url(),
      headers: { ...stranger.auth, ...call.headers },
      ...(call.payload && { payload: call.payload }),
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('NOT_FOUND');
    const after = (
      await registry.app.inject({ method: 'GET', url: `/api/gpts/${gptId}`, headers: owner.auth })
    ).json();
    expect(after).toEqual(before);
  });

  it('is absent from the other user’s list', async () => {
    const list = await registry.app.inject({ method: 'GET', url: '/api/gpts', headers: stranger.auth });
    expect(list.json().items).toEqual([]);
  });
});

describe('no credentials', () => {
  const everyProtectedRoute: Call[] = [
    { method: 'GET', url: () => '/api/auth/me' },
    { method: 'GET', url: () => '/api/gpts' },
    { method: 'POST', url: () => '/api/gpts', payload: { name: 'X', modelId: 'phi3' } },
    ...Object.values(routesNamingAGpt),
  ];
  it.each(
    everyProtectedRoute.map((call) => [`${call.method} ${call.url().replace(gptId, ':id')}`, call] as const),
  )('%s answers 401', async (_label, call) => {
    const response = await registry.app.inject({
      method: call.method,
      url: call.url(),
      ...(call.headers && { headers: call.headers }),
      ...(call.payload && { payload: call.payload }),
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('UNAUTHORIZED');
  });
});
