import { serviceToken } from '@chatty/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry, TEST_SECRET } from '../harness.js';

let registry: RegistryHarness;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry.close());

const internal = { 'x-service-token': serviceToken(TEST_SECRET, 'gpt-registry') };

describe('GET/PUT /api/gpts/:id/context', () => {
  it("starts empty, saves the caller's context, and replaces it", async () => {
    const owner = await signUp(registry.app);
    const gpt = await createGpt(registry.app, owner.auth);
    const url = `/api/gpts/${gpt.id}/context`;
    expect((await registry.app.inject({ method: 'GET', url, headers: owner.auth })).json()).toEqual({
      context: '',
    });
    for (const context of ['Prefers TypeScript.', 'Prefers Rust now.']) {
      const put = await registry.app.inject({
        method: 'PUT',
        url,
        headers: owner.auth,
        payload: { context },
      });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toEqual({ context });
    }
    expect((await registry.app.inject({ method: 'GET', url, headers: owner.auth })).json()).toEqual({
      context: 'Prefers Rust now.',
    });
  });

  it("answers 404 for another user's GPT and writes nothing", async () => {
    const owner = await signUp(registry.app);
    const gpt = await createGpt(registry.app, owner.auth);
    const url = `/api/gpts/${gpt.id}/context`;
    await registry.app.inject({ method: 'PUT', url, headers: owner.auth, payload: { context: 'mine' } });
    const stranger = await signUp(registry.app);
    expect((await registry.app.inject({ method: 'GET', url, headers: stranger.auth })).statusCode).toBe(404);
    const put = await registry.app.inject({
      method: 'PUT',
      url,
      headers: stranger.auth,
      payload: { context: 'theirs' },
    });
    expect(put.statusCode).toBe(404);
    expect((await registry.app.inject({ method: 'GET', url, headers: owner.auth })).json()).toEqual({
      context: 'mine',
    });
  });

  it('rejects a missing or oversized context with 400, and needs a caller', async () => {
    const owner = await signUp(registry.app);
    const gpt = await createGpt(registry.app, owner.auth);
    const url = `/api/gpts/${gpt.id}/context`;
    for (const payload of [{}, { context: 'x'.repeat(20_001) }]) {
      expect(
        (await registry.app.inject({ method: 'PUT', url, headers: owner.auth, payload })).statusCode,
      ).toBe(400);
    }
    expect((await registry.app.inject({ method: 'GET', url })).statusCode).toBe(401);
  });
});

describe('the internal routes the chat reads', () => {
  it("GET /internal/gpts lists only that user's GPTs", async () => {
    const owner = await signUp(registry.app);
    const gpt = await createGpt(registry.app, owner.auth);
    const other = await signUp(registry.app);
    await createGpt(registry.app, other.auth);
    const response = await registry.app.inject({
      method: 'GET',
      url: `/internal/gpts?userId=${owner.user.id}`,
      headers: internal,
    });
    expect(response.json().items.map((item: { id: string }) => item.id)).toEqual([gpt.id]);
  });

  it('is invisible (404) without the service token, even with a bad query', async () => {
    for (const url of ['/internal/gpts?userId=x', `/internal/gpts/${crypto.randomUUID()}/turn?userId=x`]) {
      expect((await registry.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
  });
});
