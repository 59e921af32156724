import type { AddressInfo } from 'node:net';
import { MAX_AVATAR_BYTES } from '@chatty/contracts';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, signUp, startRegistry } from '../harness.js';
import { PNG_1X1 } from '../images.js';

/* The avatar's limit and the JSON body limit agree: the largest allowed avatar fits in a GPT body. */
let registry: RegistryHarness;
let web: WebApp;
let origin: string;

beforeAll(async () => {
  registry = await startRegistry();
  await registry.app.listen({ port: 0, host: '127.0.0.1' });
  const registryUrl = `http://127.0.0.1:${(registry.app.server.address() as AddressInfo).port}`;
  web = await buildWeb(loadWebConfig({ REGISTRY_URL: registryUrl, LOG_LEVEL: 'silent' }));
  await web.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await web.close();
  await registry.close();
});

const pngOf = (bytes: number) => Buffer.concat([PNG_1X1, Buffer.alloc(bytes - PNG_1X1.length)]);

async function createWithAvatar(auth: Record<string, string>, image: Buffer) {
  const response = await fetch(`${origin}/api/gpts`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Big avatar',
      instructions: 'x'.repeat(32_000),
      modelId: 'phi3',
      avatar: `data:image/png;base64,${image.toString('base64')}`,
    }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
}

describe('the avatar limit and the JSON body limit', () => {
  it('accept a GPT with the largest avatar and the longest instructions, through the origin', async () => {
    const owner = await signUp(registry.app);
    const created = await createWithAvatar(owner.auth, pngOf(MAX_AVATAR_BYTES));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  });

  it('refuse a larger avatar with its own error, not a generic body limit', async () => {
    const owner = await signUp(registry.app);
    const refused = await createWithAvatar(owner.auth, pngOf(MAX_AVATAR_BYTES + 1));
    expect(refused.status).toBe(413);
    expect(refused.body.error?.code).toBe('AVATAR_TOO_LARGE');
  });
});
