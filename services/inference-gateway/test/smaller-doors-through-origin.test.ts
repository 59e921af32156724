import { serviceToken } from '@chatty/shared';
import { tokensOf } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET } from '../../gpt-registry/test/harness.js';
import {
  bearer,
  callThrough,
  INGEST_TOKEN,
  type OriginStack,
  RUNNER_TOKEN,
  startOriginStack,
} from './origin-stack.js';

/*
 * The smaller doors, through the public origin with every service on its port: worker URLs only for
 * admins, internal routes that check the credential before the body, a GPT delete that leaves no
 * session behind and loses nothing when it fails, an audit of action runs that outlives the GPT, and
 * a login back-off that cannot lock the owner out.
 */
let stack: OriginStack;
let admin: { token: string; userId: string };
let call: (
  method: string,
  path: string,
  headers?: Record<string, string>,
  body?: unknown,
) => ReturnType<typeof callThrough>;

beforeAll(async () => {
  stack = await startOriginStack({
    registryEnv: { AUTH_RATE_LIMIT_PER_ACCOUNT: '3', AUTH_RATE_LIMIT_PER_ADDRESS: '1000' },
    // The test stands for the clients of a proxy in front of the origin, which names them.
    webEnv: { TRUST_PROXY: 'loopback' },
    workers: [{ models: ['phi3'], reply: () => ({ tokens: tokensOf('noted') }) }],
  });
  call = (method, path, headers = {}, body) => callThrough(stack.origin, method, path, headers, body);
  admin = await signUp();
});
afterAll(() => stack?.close());

let counter = 0;
async function signUp() {
  const email = `door${++counter}-${Date.now()}@example.com`;
  const response = await call('POST', '/api/auth/signup', {}, { email, password: 'correct horse battery' });
  expect(response.status, response.text).toBe(201);
  return { email, token: response.json.token as string, userId: response.json.user.id as string };
}

async function userWithGpt() {
  const user = await signUp();
  const gpt = await call('POST', '/api/gpts', bearer(user.token), { name: 'Doomed', modelId: 'phi3' });
  expect(gpt.status).toBe(201);
  return { ...user, auth: bearer(user.token), gptId: gpt.json.id as string };
}

describe('/api/models', () => {
  it('names the workers by URL to an admin only; anyone else sees worker-N', async () => {
    const url = stack.workers[0]!.url;
    const forAdmin = await call('GET', '/api/models', bearer(admin.token));
    expect(forAdmin.json.items.find((item: { id: string }) => item.id === 'phi3').workers).toEqual([
      { url, loaded: expect.any(Boolean) },
    ]);
    const user = await signUp();
    const forUser = await call('GET', '/api/models', bearer(user.token));
    expect(forUser.json.items.find((item: { id: string }) => item.id === 'phi3').workers).toEqual([
      { url: 'worker-1', loaded: expect.any(Boolean) },
    ]);
    expect(forUser.text).not.toContain(url);
  });
});

describe('internal routes', () => {
  it('are not reached through the origin, and check the credential before reading the body', async () => {
    const malformed = '{"not json at all';
    const raw = (base: string, method: string, path: string, token?: string) =>
      fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token && { 'x-service-token': token }) },
        body: malformed,
      }).then((response) => response.status);
    const doors = [
      [stack.registryUrl, 'POST', '/internal/auth/session', serviceToken(TEST_SECRET, 'gpt-registry')],
      [stack.runnerUrl, 'POST', '/internal/execute', RUNNER_TOKEN],
      [stack.ingestUrl, 'POST', '/internal/search', INGEST_TOKEN],
    ] as const;
    for (const [base, method, path, own] of doors) {
      // 404 (the credential), not 400 (the body): without it the body is never parsed.
      expect(await raw(base, method, path), path).toBe(404);
      expect(await raw(base, method, path, 'a-wrong-credential-0123456789abcdef0123'), path).toBe(404);
      expect(await raw(base, method, path, own), path).toBe(400);
      // The origin forwards no internal route, whatever credential comes with it.
      const throughOrigin = await callThrough(stack.origin, method, path, { 'x-service-token': own }, {});
      expect(throughOrigin.status, `${path} through the origin`).toBe(404);
    }
    const gatewayDoor = `/internal/gpts/${crypto.randomUUID()}/sessions`;
    expect(await raw(stack.gatewayUrl, 'DELETE', gatewayDoor)).toBe(404);
    const own = { 'x-service-token': serviceToken(TEST_SECRET, 'inference-gateway') };
    expect((await callThrough(stack.origin, 'DELETE', gatewayDoor, own)).status).toBe(404);
  });
});

describe('deleting a GPT', () => {
  it('leaves no session behind when sessions are started while it is deleted', async () => {
    for (let round = 0; round < 3; round++) {
      const owner = await userWithGpt();
      const starts = Array.from({ length: 12 }, () =>
        call('POST', `/api/gpts/${owner.gptId}/sessions`, owner.auth, {}),
      );
      const deletion = call('DELETE', `/api/gpts/${owner.gptId}`, owner.auth);
      const started = await Promise.all(starts);
      expect((await deletion).status).toBe(204);
      expect(started.every((response) => response.status === 201 || response.status === 404)).toBe(true);
      const left = await stack.gateway.chatDb
        .selectFrom('chat_session')
        .select('id')
        .where('gpt_id', '=', owner.gptId)
        .execute();
      expect(left).toEqual([]);
      for (const response of started.filter((response) => response.status === 201)) {
        expect((await call('GET', `/api/sessions/${response.json.id}`, owner.auth)).status).toBe(404);
      }
      expect((await call('POST', `/api/gpts/${owner.gptId}/sessions`, owner.auth, {})).status).toBe(404);
      expect((await call('GET', `/api/gpts/${owner.gptId}`, owner.auth)).status).toBe(404);
    }
  });

  it('loses nothing when the gateway cannot be reached (503), and completes once it can', async () => {
    const owner = await userWithGpt();
    await call('PUT', `/api/gpts/${owner.gptId}`, owner.auth, { description: 'version two' });
    const session = await call('POST', `/api/gpts/${owner.gptId}/sessions`, owner.auth, {});
    const message = await call('POST', `/api/sessions/${session.json.id}/messages`, owner.auth, {
      content: 'remember this',
    });
    expect(message.status).toBe(200);

    stack.link.up = false;
    try {
      const refused = await call('DELETE', `/api/gpts/${owner.gptId}`, owner.auth);
      expect(refused.status).toBe(503);
      expect((await call('GET', `/api/gpts/${owner.gptId}`, owner.auth)).json.version).toBe(2);
      expect((await call('GET', `/api/gpts/${owner.gptId}/versions`, owner.auth)).json.items).toHaveLength(2);
      const kept = await call('GET', `/api/sessions/${session.json.id}`, owner.auth);
      expect(kept.status).toBe(200);
      expect(JSON.stringify(kept.json)).toContain('remember this');
      // The GPT is not left half-deleted: chats go on.
      expect((await call('POST', `/api/gpts/${owner.gptId}/sessions`, owner.auth, {})).status).toBe(201);
    } finally {
      stack.link.up = true;
    }

    expect((await call('DELETE', `/api/gpts/${owner.gptId}`, owner.auth)).status).toBe(204);
    expect((await call('GET', `/api/sessions/${session.json.id}`, owner.auth)).status).toBe(404);
    expect((await call('GET', `/api/gpts/${owner.gptId}`, owner.auth)).status).toBe(404);
  });
});

describe('the audit of action runs', () => {
  it('outlives its GPT: gone from the owner, kept for admins (marked deleted) until the retention ends', async () => {
    const owner = await userWithGpt();
    const action = await call('POST', `/api/gpts/${owner.gptId}/actions`, owner.auth, {
      name: 'ping',
      url: `${stack.target.url}/ping`,
    });
    for (let i = 0; i < 2; i++) {
      const run = await call('POST', `/api/gpts/actions/${action.json.id}/execute`, owner.auth, {
        arguments: {},
      });
      expect(run.status).toBe(200);
    }
    expect((await call('GET', `/api/gpts/${owner.gptId}/actions/runs`, owner.auth)).json.items).toHaveLength(
      2,
    );
    expect((await call('DELETE', `/api/gpts/${owner.gptId}`, owner.auth)).status).toBe(204);
    expect((await call('GET', `/api/gpts/${owner.gptId}/actions/runs`, owner.auth)).status).toBe(404);

    const audit = `/api/admin/action-runs?gptId=${owner.gptId}`;
    expect((await call('GET', audit, owner.auth)).status).toBe(403);
    const kept = await call('GET', audit, bearer(admin.token));
    expect(kept.status).toBe(200);
    expect(kept.json.items).toHaveLength(2);
    expect(kept.json.items[0]).toMatchObject({
      gptId: owner.gptId,
      actionName: 'ping',
      userId: owner.userId,
      outcome: 'ok',
      gptDeletedAt: expect.any(String),
    });
    // One run a page: the second page, through nextCursor, holds the other run and says no more follow.
    const first = await call('GET', `${audit}&limit=1`, bearer(admin.token));
    expect(first.json.items).toEqual([kept.json.items[0]]);
    const second = await call('GET', `${audit}&limit=1&cursor=${first.json.nextCursor}`, bearer(admin.token));
    expect(second.json).toEqual({ items: [kept.json.items[1]] });

    // Past ACTION_RUN_RETENTION_DAYS the hourly pruning takes them; not before.
    const { pruneActionRuns } = await import('../../gpt-registry/src/db/action-run.repository.js');
    expect(await pruneActionRuns(stack.registry.db, 90)).toBe(0);
    await stack.registry.db
      .updateTable('action_run')
      .set({ gpt_deleted_at: new Date(Date.now() - 91 * 86_400_000) })
      .where('gpt_id', '=', owner.gptId)
      .execute();
    expect(await pruneActionRuns(stack.registry.db, 90)).toBe(2);
    expect((await call('GET', audit, bearer(admin.token))).json.items).toEqual([]);
  });
});

describe('the login back-off', () => {
  it('slows a stranger guessing one account, never its owner from their own address', async () => {
    const victim = await signUp();
    const from = (address: string) => ({ 'x-forwarded-for': address });
    const guess = (address: string) =>
      call('POST', '/api/auth/login', from(address), { email: victim.email, password: 'a wrong guess' });
    for (let i = 0; i < 3; i++) expect((await guess('198.51.100.66')).status).toBe(401);
    const limited = await guess('198.51.100.66');
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('RATE_LIMITED');

    const owner = await call('POST', '/api/auth/login', from('203.0.113.20'), {
      email: victim.email,
      password: 'correct horse battery',
    });
    expect(owner.status).toBe(200);
    // Another stranger is not slowed by the first one's failures either.
    expect((await guess('198.51.100.77')).status).toBe(401);
  });
});
