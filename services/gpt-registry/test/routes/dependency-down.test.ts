import { createServer } from 'node:net';
import { buildRegistry, loadRegistryConfig } from '@chatty/gpt-registry';
import { createSessionTokens, deriveKey } from '@chatty/shared';
import { TEST_REDIS_URL } from '@chatty/testkit';
import { describe, expect, it } from 'vitest';
import { MODELS_JSON, TEST_SECRET } from '../harness.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('with Postgres unreachable', () => {
  it('answers 503 DEPENDENCY_UNAVAILABLE with Retry-After and reports not ready', async () => {
    const app = await buildRegistry(
      loadRegistryConfig({
        DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/chatty`,
        REDIS_URL: TEST_REDIS_URL,
        SECRET_KEY: TEST_SECRET,
        MODELS_CONFIG: MODELS_JSON,
        LOG_LEVEL: 'silent',
      }),
    );
    try {
      const token = await createSessionTokens(deriveKey(TEST_SECRET, 'session-token')).sign(
        '00000000-0000-4000-8000-000000000001',
      );
      const response = await app.inject({
        method: 'GET',
        url: '/api/gpts',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(response.headers['retry-after']).toBe('5');
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks).toMatchObject({ postgres: expect.stringContaining('failed'), redis: 'ok' });
    } finally {
      await app.close();
    }
  });
});
