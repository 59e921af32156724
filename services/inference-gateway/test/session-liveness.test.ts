import { TEST_REDIS_URL, tokensOf } from '@chatty/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, signUp } from '../../gpt-registry/test/harness.js';
import type { BareGateway } from './harness.js';
import { type RecordedRegistry, startRecordedRegistry } from './recorded-registry.js';
import type { RecordingProxy } from './recording-proxy.js';

/*
 * Whether a session is live, as the gateway learns it: from the registry's cache in the shared Redis
 * (same REDIS_PREFIX, as in a deployment), and from the registry only when the cache has no answer.
 * The registry sits behind a recorder that counts the session checks the gateway makes.
 */
let stack: RecordedRegistry;
let registry: RegistryHarness;
let recorder: RecordingProxy;
let chat: BareGateway;

beforeAll(async () => {
  stack = await startRecordedRegistry([{ models: ['phi3'], reply: () => ({ tokens: tokensOf('hi') }) }]);
  ({ registry, recorder, chat } = stack);
});
afterAll(() => stack?.close());

const checks = () => recorder.paths.filter((path) => path === '/internal/auth/session').length;
const usage = (auth: Record<string, string>) => fetch(`${chat.url}/api/usage/tokens`, { headers: auth });

describe('session liveness through the shared cache', () => {
  it('asks the registry once; the next requests read its cached answer; a sign-out is refused at once', async () => {
    const user = await signUp(registry.app);
    const before = checks();
    expect((await usage(user.auth)).status).toBe(200);
    expect(checks()).toBe(before + 1);

    for (let index = 0; index < 3; index++) expect((await usage(user.auth)).status).toBe(200);
    expect(checks()).toBe(before + 1);

    const out = await registry.app.inject({ method: 'POST', url: '/api/auth/logout', headers: user.auth });
    expect(out.statusCode).toBe(204);
    expect((await usage(user.auth)).status).toBe(401);
    expect(checks()).toBe(before + 1);
  });

  it('asks the registry again when the cache lost its answer', async () => {
    const user = await signUp(registry.app);
    expect((await usage(user.auth)).status).toBe(200);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${registry.queuePrefix}:session:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    const before = checks();
    expect((await usage(user.auth)).status).toBe(200);
    expect(checks()).toBe(before + 1);
    expect((await usage(user.auth)).status).toBe(200);
    expect(checks()).toBe(before + 1);
  });
});
