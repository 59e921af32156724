import { serviceToken } from '@chatty/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, signUp, TEST_SECRET } from '../harness.js';
import { type ActionStack, startActionStack } from './action-stack.js';

const TOKEN = { 'x-service-token': serviceToken(TEST_SECRET, 'gpt-registry') };
let stack: ActionStack;
let owner: Awaited<ReturnType<typeof signUp>>;
let stranger: Awaited<ReturnType<typeof signUp>>;
let gptId: string;
let notesId: string;

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
      name: 'add_note',
      description: 'Adds a note',
      url: `${stack.target.url}/users/{{user}}/notes`,
      method: 'POST',
      headers: { Authorization: 'Bearer sk-exec-secret', 'X-Trace': 'trace-{{tag}}' },
      parameters: { text: '{{text}}', priority: '{{priority}}' },
      arguments: [
        { name: 'user', type: 'string', required: true },
        { name: 'tag', type: 'string' },
        { name: 'text', type: 'string', required: true },
        { name: 'priority', type: 'integer' },
      ],
    },
  });
  notesId = created.json().id;
});
afterAll(() => stack.close());

const app = () => stack.registry.app;
const execute = (id: string, args: object, auth = owner.auth) =>
  app().inject({
    method: 'POST',
    url: `/api/gpts/actions/${id}/execute`,
    headers: auth,
    payload: { arguments: args },
  });

async function addAction(body: object): Promise<string> {
  const response = await app().inject({
    method: 'POST',
    url: `/api/gpts/${gptId}/actions`,
    headers: owner.auth,
    payload: body,
  });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json().id;
}

describe('POST /api/gpts/actions/:actionId/execute', () => {
  it('sends the rendered request with the decrypted secret and returns the answer', async () => {
    const response = await execute(notesId, {
      user: 'ann/../admin',
      tag: 't9',
      text: 'Buy milk',
      priority: 2,
    });
    expect(response.statusCode, response.body).toBe(200);
    const received = stack.target.received.at(-1)!;
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/users/ann%2F..%2Fadmin/notes');
    expect(received.headers.authorization).toBe('Bearer sk-exec-secret');
    expect(received.headers['x-trace']).toBe('trace-t9');
    expect(JSON.parse(received.body)).toEqual({ text: 'Buy milk', priority: 2 });
    const result = response.json();
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ ok: true, path: '/users/ann%2F..%2Fadmin/notes' });
    expect(result.truncated).toBe(false);
    expect(typeof result.durationMs).toBe('number');
    expect(response.body).not.toContain('sk-exec-secret');
  });

  it('masks a secret the target echoes back, in the body and in the headers', async () => {
    const id = await addAction({
      name: 'echo',
      url: `${stack.target.url}/echo-headers`,
      headers: { Authorization: 'Bearer sk-exec-secret', 'X-Api-Token': 'tok-123456789' },
    });
    const response = await execute(id, {});
    expect(response.statusCode).toBe(200);
    expect(stack.target.received.at(-1)!.headers.authorization).toBe('Bearer sk-exec-secret');
    expect(response.body).not.toContain('sk-exec-secret');
    expect(response.body).not.toContain('tok-123456789');
    const result = response.json();
    expect(JSON.parse(result.body).headers.authorization).toBe('***');
    expect(result.headers['x-seen-authorization']).toBe('***');
  });

  it('a refused destination is 403 EGRESS_DENIED, nothing is sent, and the run is recorded as denied', async () => {
    const id = await addAction({ name: 'metadata', url: 'http://169.254.169.254/latest/meta-data/' });
    const redirectId = await addAction({
      name: 'bounce',
      url: `${stack.target.url}/?redirect=${encodeURIComponent(`${stack.forbidden.url}/`)}`,
    });
    const denied = await execute(id, {});
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('EGRESS_DENIED');
    const bounced = await execute(redirectId, {});
    expect(bounced.statusCode).toBe(403);
    expect(stack.forbidden.received).toEqual([]);

    const runs = await app().inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/actions/runs`,
      headers: owner.auth,
    });
    const items = runs.json().items;
    expect(items[0]).toMatchObject({ actionName: 'bounce', outcome: 'denied', errorCode: 'EGRESS_DENIED' });
    expect(items[1]).toMatchObject({
      actionId: id,
      actionName: 'metadata',
      targetHost: '169.254.169.254',
      method: 'GET',
      outcome: 'denied',
      status: null,
      userId: owner.user.id,
    });
  });
});

describe('GET /api/gpts/:id/actions/runs', () => {
  it('lists runs newest first: who, which action, host, method, status, bytes, time; no secrets or bodies', async () => {
    await execute(notesId, { user: 'bob', text: 'secret body text' });
    const response = await app().inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/actions/runs?limit=1`,
      headers: owner.auth,
    });
    expect(response.statusCode).toBe(200);
    const [run] = response.json().items;
    expect(run).toMatchObject({
      actionId: notesId,
      actionName: 'add_note',
      userId: owner.user.id,
      sessionId: null,
      method: 'POST',
      targetHost: new URL(stack.target.url).host,
      outcome: 'ok',
      status: 200,
      errorCode: null,
    });
    expect(run.responseBytes).toBeGreaterThan(0);
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    const everything = await app().db.selectFrom('action_run').selectAll().execute();
    const text = JSON.stringify(everything);
    expect(text).not.toContain('sk-exec-secret');
    expect(text).not.toContain('secret body text');
  });

  it('pages with nextCursor through every run, none twice, and refuses a cursor it did not issue', async () => {
    const recorded = await app()
      .db.selectFrom('action_run')
      .select('id')
      .where('gpt_id', '=', gptId)
      .execute();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const response = await app().inject({
        method: 'GET',
        url: `/api/gpts/${gptId}/actions/runs?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        headers: owner.auth,
      });
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json();
      seen.push(...page.items.map((run: { id: string }) => run.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(recorded.length).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(recorded.map((run) => run.id).sort());
    const forged = await app().inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/actions/runs?cursor=${recorded[0]!.id}`,
      headers: owner.auth,
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error.code).toBe('INVALID_CURSOR');
  });

  it('answers 404 for another user', async () => {
    const response = await app().inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/actions/runs`,
      headers: stranger.auth,
    });
    expect(response.statusCode).toBe(404);
  });
});

describe('internal routes for the inference gateway', () => {
  it('GET /internal/gpts/:id/runtime: the GPT and its active actions, without URLs, headers or secrets', async () => {
    const inactive = await addAction({ name: 'dormant', url: `${stack.target.url}/x`, isActive: false });
    const response = await app().inject({
      method: 'GET',
      url: `/internal/gpts/${gptId}/runtime?userId=${owner.user.id}`,
      headers: TOKEN,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.gpt).toMatchObject({ id: gptId, name: 'Code Assistant', userId: owner.user.id });
    const notes = body.actions.find((a: { id: string }) => a.id === notesId);
    expect(notes).toEqual({
      id: notesId,
      name: 'add_note',
      toolName: 'add_note',
      description: 'Adds a note',
      arguments: expect.arrayContaining([{ name: 'user', type: 'string', description: '', required: true }]),
      method: 'POST',
      needsConfirmation: true,
    });
    expect(body.actions.map((a: { id: string }) => a.id)).not.toContain(inactive);
    expect(response.body).not.toContain('sk-exec-secret');
    expect(response.body).not.toContain(stack.target.url);
  });

  it('runtime: 404 for a user who does not own the GPT, and without the service token', async () => {
    const other = await app().inject({
      method: 'GET',
      url: `/internal/gpts/${gptId}/runtime?userId=${stranger.user.id}`,
      headers: TOKEN,
    });
    expect(other.statusCode).toBe(404);
    const noToken = await app().inject({
      method: 'GET',
      url: `/internal/gpts/${gptId}/runtime?userId=${owner.user.id}`,
    });
    expect(noToken.statusCode).toBe(404);
  });

  it('POST /internal/actions/:actionId/execute runs it like the public route and records the session', async () => {
    const response = await app().inject({
      method: 'POST',
      url: `/internal/actions/${notesId}/execute`,
      headers: TOKEN,
      payload: {
        userId: owner.user.id,
        arguments: { user: 'carol', text: 'from chat' },
        sessionId: 'session-42',
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().status).toBe(200);
    expect(stack.target.received.at(-1)!.headers.authorization).toBe('Bearer sk-exec-secret');
    const runs = await app().inject({
      method: 'GET',
      url: `/api/gpts/${gptId}/actions/runs?limit=1`,
      headers: owner.auth,
    });
    expect(runs.json().items[0]).toMatchObject({ actionId: notesId, sessionId: 'session-42', outcome: 'ok' });
  });

  it('internal execute: 404 for a user who does not own the action, and nothing is sent', async () => {
    const before = stack.target.received.length;
    const response = await app().inject({
      method: 'POST',
      url: `/internal/actions/${notesId}/execute`,
      headers: TOKEN,
      payload: { userId: stranger.user.id, arguments: { user: 'x', text: 'y' } },
    });
    expect(response.statusCode).toBe(404);
    const noToken = await app().inject({
      method: 'POST',
      url: `/internal/actions/${notesId}/execute`,
      payload: { userId: owner.user.id, arguments: { user: 'x', text: 'y' } },
    });
    expect(noToken.statusCode).toBe(404);
    expect(stack.target.received.length).toBe(before);
  });
});
