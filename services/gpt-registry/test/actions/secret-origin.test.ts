import type { AddressInfo } from 'node:net';
import { captureLogs } from '@chatty/testkit';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, signUp } from '../harness.js';
import { type ActionStack, startActionStack } from './action-stack.js';

/*
 * Secrets of an action go only to the origin (scheme, host, port) they were saved for, and parameters
 * that carry credentials are write-only like the Authorization header: never shown, never logged,
 * masked when the target echoes them. Through the public origin.
 */
const PARAM_SECRET = 'sk-param-secret-5b1e9d';
const PASSWORD = 'hunter2-but-longer';
const AUTHENTICATION = 'auth-value-77c3a1';
const logs = captureLogs('gpt-registry');
let stack: ActionStack;
let web: WebApp;
let origin: string;
let owner: Awaited<ReturnType<typeof signUp>>;
let gptId: string;

beforeAll(async () => {
  stack = await startActionStack({ logger: logs.logger });
  await stack.registry.app.listen({ port: 0, host: '127.0.0.1' });
  const registryUrl = `http://127.0.0.1:${(stack.registry.app.server.address() as AddressInfo).port}`;
  web = await buildWeb(loadWebConfig({ REGISTRY_URL: registryUrl, LOG_LEVEL: 'silent' }));
  await web.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
  owner = await signUp(stack.registry.app);
  gptId = (await createGpt(stack.registry.app, owner.auth)).id;
});
afterAll(async () => {
  await web.close();
  await stack.close();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: { ...owner.auth, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
}

const feed = () => ({
  name: `feed_${Math.random().toString(36).slice(2, 8)}`,
  url: `${stack.target.url}/echo-headers`,
  method: 'GET',
  headers: { 'X-Password': PASSWORD, Authentication: AUTHENTICATION, Accept: 'application/json' },
  parameters: { api_key: PARAM_SECRET, page_token: '{{page}}', lang: 'en' },
  arguments: [{ name: 'page', type: 'string' }],
});

const secretsIn = (text: string) => [PARAM_SECRET, PASSWORD, AUTHENTICATION].filter((s) => text.includes(s));

describe('credential-like parameters and headers', () => {
  it('are write-only: masked in answers, encrypted at rest, sent to the target, masked in its echo and the logs', async () => {
    const created = await call('POST', `/api/gpts/${gptId}/actions`, feed());
    expect(created.status, created.text).toBe(201);
    expect(created.json.parameters).toEqual({ api_key: '***', page_token: '{{page}}', lang: 'en' });
    expect(created.json.headers).toMatchObject({ 'X-Password': '***', Authentication: '***' });
    expect(secretsIn(created.text)).toEqual([]);
    expect(secretsIn((await call('GET', `/api/gpts/${gptId}/actions`)).text)).toEqual([]);

    const row = await stack.registry.app.db
      .selectFrom('gpt_action')
      .selectAll()
      .where('id', '=', created.json.id)
      .executeTakeFirstOrThrow();
    expect(secretsIn(JSON.stringify(row))).toEqual([]);
    expect(row.secret_parameters).toMatch(/^v3:0:/);

    const run = await call('POST', `/api/gpts/actions/${created.json.id}/execute`, {
      arguments: { page: 'p2' },
    });
    expect(run.status, run.text).toBe(200);
    const received = stack.target.received.at(-1)!;
    expect(received.url).toContain(`api_key=${PARAM_SECRET}`);
    expect(received.url).toContain('page_token=p2');
    expect(received.headers['x-password']).toBe(PASSWORD);
    expect(received.headers.authentication).toBe(AUTHENTICATION);
    // The target echoed every header back: none of the secrets reaches the caller (or a model).
    expect(secretsIn(run.text)).toEqual([]);
    expect(secretsIn((await call('GET', `/api/gpts/${gptId}/actions/runs`)).text)).toEqual([]);
    expect(secretsIn(logs.text())).toEqual([]);
  });

  it('an update that sends *** back keeps them; a credential in the URL query is refused', async () => {
    const created = await call('POST', `/api/gpts/${gptId}/actions`, feed());
    const kept = await call('PUT', `/api/gpts/actions/${created.json.id}`, {
      parameters: { api_key: '***', lang: 'fr' },
    });
    expect(kept.status, kept.text).toBe(200);
    await call('POST', `/api/gpts/actions/${created.json.id}/execute`, { arguments: {} });
    expect(stack.target.received.at(-1)!.url).toContain(`api_key=${PARAM_SECRET}`);

    const inUrl = await call('POST', `/api/gpts/${gptId}/actions`, {
      ...feed(),
      url: `${stack.target.url}/x?token=abc123secret`,
    });
    expect(inUrl.status).toBe(400);
    expect(inUrl.json.error.code).toBe('SECRET_IN_URL');
    expect(inUrl.text).not.toContain('abc123secret');
  });
});

describe('secrets bound to the origin', () => {
  const target = () => new URL(stack.target.url);
  for (const [change, url] of [
    ['the port', () => `http://${target().hostname}:${Number(target().port) + 1}/echo-headers`],
    ['the scheme', () => `https://${target().host}/echo-headers`],
    ['the host', () => `http://localhost:${target().port}/echo-headers`],
  ] as const) {
    it(`changing ${change} drops every secret not given again`, async () => {
      const created = await call('POST', `/api/gpts/${gptId}/actions`, feed());
      const moved = await call('PUT', `/api/gpts/actions/${created.json.id}`, { url: url() });
      expect(moved.status, moved.text).toBe(200);
      expect(moved.json.parameters).toEqual({ page_token: '{{page}}', lang: 'en' });
      expect(moved.json.headers).toEqual({ Accept: 'application/json' });
      const row = await stack.registry.app.db
        .selectFrom('gpt_action')
        .select(['secret_headers', 'secret_parameters'])
        .where('id', '=', created.json.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ secret_headers: null, secret_parameters: null });
    });
  }

  it('changing only the path keeps them', async () => {
    const created = await call('POST', `/api/gpts/${gptId}/actions`, feed());
    const moved = await call('PUT', `/api/gpts/actions/${created.json.id}`, {
      url: `${stack.target.url}/echo-headers/v2`,
    });
    expect(moved.json.parameters.api_key).toBe('***');
    await call('POST', `/api/gpts/actions/${created.json.id}/execute`, { arguments: {} });
    expect(stack.target.received.at(-1)!.headers['x-password']).toBe(PASSWORD);
  });

  it('a row pointed at another origin behind the API cannot decrypt its secrets, and nothing is sent', async () => {
    const created = await call('POST', `/api/gpts/${gptId}/actions`, feed());
    const elsewhere = `${stack.forbidden.url}/steal`;
    await stack.registry.app.db
      .updateTable('gpt_action')
      .set({ url: elsewhere })
      .where('id', '=', created.json.id)
      .execute();
    const before = stack.forbidden.received.length;
    const run = await call('POST', `/api/gpts/actions/${created.json.id}/execute`, { arguments: {} });
    expect(run.status).toBe(409);
    expect(run.json.error.code).toBe('ACTION_SECRETS_UNREADABLE');
    expect(stack.forbidden.received.length).toBe(before);
  });
});
