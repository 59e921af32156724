import type { AddressInfo } from 'node:net';
import { createServiceClient, remoteApiKeyResolver, serviceToken } from '@chatty/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, signUp, startRegistry, TEST_SECRET } from '../harness.js';

let registry: RegistryHarness;
let baseUrl: string;
beforeAll(async () => {
  registry = await startRegistry();
  await registry.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(registry.app.server.address() as AddressInfo).port}`;
});
afterAll(() => registry.close());

describe('POST /internal/auth/api-key', () => {
  it('resolves a live key for another service, and stops at once when it is revoked', async () => {
    const owner = await signUp(registry.app);
    const created = await registry.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: owner.auth,
      payload: { name: 'k' },
    });
    const { id, key } = created.json();
    const resolve = remoteApiKeyResolver(
      createServiceClient({
        name: 'gpt-registry',
        baseUrl,
        token: serviceToken(TEST_SECRET, 'gpt-registry'),
      }),
    );
    expect(await resolve(key)).toEqual({ userId: owner.user.id, scope: 'full', keyId: id });
    await registry.app.inject({ method: 'DELETE', url: `/api/keys/${id}`, headers: owner.auth });
    expect(await resolve(key)).toBeNull();
    expect(await resolve('not-a-key')).toBeNull();
  });

  it('is invisible (404) without the service token or with a wrong one', async () => {
    for (const headers of [
      {},
      { 'x-service-token': 'guess' },
      { 'x-service-token': serviceToken('another secret of enough length!!', 'gpt-registry') },
    ]) {
      const response = await registry.app.inject({
        method: 'POST',
        url: '/internal/auth/api-key',
        headers,
        payload: { key: 'chatty_x' },
      });
      expect(response.statusCode).toBe(404);
    }
  });
});
