import { tokensOf } from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/start-harness.js';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../../gpt-registry/test/harness.js';
import { type BareGateway, post, startBareGateway } from './harness.js';

/*
 * Deleting a GPT deletes it and its sessions together: a session started while the delete runs is
 * either refused or deleted with the rest, with the real registry and gateway calling each other.
 */
let registry: RegistryHarness;
let chat: BareGateway;

beforeAll(async () => {
  const registryPort = await freePort();
  chat = await startBareGateway({ registryUrl: `http://127.0.0.1:${registryPort}` }, [
    { models: ['phi3'], reply: () => ({ tokens: tokensOf('hi') }) },
  ]);
  registry = await startRegistry({ GATEWAY_URL: chat.url });
  await registry.app.listen({ port: registryPort, host: '127.0.0.1' });
});
afterAll(async () => {
  await chat.close();
  await registry.close();
});

describe('deleting a GPT while sessions are being started', () => {
  it('leaves no session of it behind', async () => {
    for (let round = 0; round < 3; round++) {
      const owner = await signUp(registry.app);
      const gpt = await createGpt(registry.app, owner.auth, { name: 'Doomed', modelId: 'phi3' });
      const starts = Array.from({ length: 12 }, () =>
        post(`${chat.url}/api/gpts/${gpt.id}/sessions`, owner.auth, {}),
      );
      const deletion = registry.app.inject({
        method: 'DELETE',
        url: `/api/gpts/${gpt.id}`,
        headers: owner.auth,
      });
      const statuses = (await Promise.all(starts)).map((response) => response.status);
      expect((await deletion).statusCode).toBe(204);
      expect(statuses.every((status) => status === 201 || status === 404)).toBe(true);
      const left = await chat.gateway.chatDb
        .selectFrom('chat_session')
        .select('id')
        .where('gpt_id', '=', gpt.id)
        .execute();
      expect(left).toEqual([]);
      expect((await post(`${chat.url}/api/gpts/${gpt.id}/sessions`, owner.auth, {})).status).toBe(404);
    }
  });
});
