import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serviceToken } from '@chatty/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry, TEST_SECRET } from '../harness.js';

/** Speaks the gateway's `DELETE /internal/gpts/:id/sessions` contract and records what it was asked. */
let gateway: Server;
const calls: Array<{ url: string; token: string | undefined }> = [];
let registry: RegistryHarness;

beforeAll(async () => {
  gateway = createServer((request, response) => {
    calls.push({
      url: `${request.method} ${request.url}`,
      token: request.headers['x-service-token'] as string,
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ deleted: 2 }));
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  registry = await startRegistry({
    GATEWAY_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`,
  });
});
afterAll(async () => {
  gateway.close();
  await registry.close();
});

describe('DELETE /api/gpts/:id and chat sessions', () => {
  it('asks the gateway to delete the GPT’s sessions, with the service token', async () => {
    const owner = await signUp(registry.app);
    const gpt = await createGpt(registry.app, owner.auth);
    const response = await registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/${gpt.id}`,
      headers: owner.auth,
    });
    expect(response.statusCode).toBe(204);
    expect(calls).toContainEqual({
      url: `DELETE /internal/gpts/${gpt.id}/sessions`,
      token: serviceToken(TEST_SECRET, 'inference-gateway'),
    });
  });

  it('does not touch another user’s GPT’s sessions', async () => {
    const owner = await signUp(registry.app);
    const stranger = await signUp(registry.app);
    const gpt = await createGpt(registry.app, owner.auth);
    const before = calls.length;
    const response = await registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/${gpt.id}`,
      headers: stranger.auth,
    });
    expect(response.statusCode).toBe(404);
    expect(calls.length).toBe(before);
  });

  it('keeps the GPT (503, safe to retry) when the gateway cannot be reached', async () => {
    const down = await startRegistry({ GATEWAY_URL: 'http://127.0.0.1:9' });
    try {
      const owner = await signUp(down.app);
      const gpt = await createGpt(down.app, owner.auth);
      const response = await down.app.inject({
        method: 'DELETE',
        url: `/api/gpts/${gpt.id}`,
        headers: owner.auth,
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
      const still = await down.app.inject({ method: 'GET', url: `/api/gpts/${gpt.id}`, headers: owner.auth });
      expect(still.statusCode).toBe(200);
    } finally {
      await down.close();
    }
  });
});
