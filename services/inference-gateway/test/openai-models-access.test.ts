import { tokensOf } from '@chatty/testkit';
import { buildWeb, loadWebConfig, type WebApp } from '@chatty/web';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry } from '../../gpt-registry/test/harness.js';
import { teamSteps, type User } from '../../gpt-registry/test/teams/team-steps.js';
import { type BareGateway, startBareGateway, urlOf } from './harness.js';

/*
 * /v1/models lists every GPT /v1/chat/completions answers the caller with, through the public origin
 * with the real registry: Ada's own, Bob's shared with her, one in the catalogue of Carol's team (where
 * both are); not Dave's, which he keeps to himself.
 */
let registry: RegistryHarness;
let chat: BareGateway;
let web: WebApp;
let origin: string;
const { call, workspace, bringIn } = teamSteps(() => registry);

beforeAll(async () => {
  registry = await startRegistry();
  await registry.app.listen({ port: 0, host: '127.0.0.1' });
  chat = await startBareGateway(
    { registryUrl: urlOf(registry.app.server), databaseUrl: registry.database.url },
    [{ models: ['phi3'], reply: () => ({ tokens: tokensOf('Hello there.') }) }],
  );
  web = await buildWeb(
    loadWebConfig({ REGISTRY_URL: urlOf(registry.app.server), GATEWAY_URL: chat.url, LOG_LEVEL: 'silent' }),
  );
  await web.listen({ port: 0, host: '127.0.0.1' });
  origin = urlOf(web.server);
});
afterAll(async () => {
  await web?.close();
  await chat?.close();
  await registry?.close();
});

const gptOf = async (owner: User, name: string) =>
  (await createGpt(registry.app, owner.auth, { name, modelId: 'phi3', instructions: 'Be brief.' })).id;

async function expectStatus(response: Promise<{ statusCode: number; body: string }>, status: number) {
  const answer = await response;
  expect(answer.statusCode, answer.body).toBe(status);
}

describe('/v1/models lists what /v1/chat/completions answers', () => {
  it('own, shared and catalogue GPTs by how the caller has them; not an unshared one', {
    timeout: 30_000,
  }, async () => {
    const [ada, bob, carol, dave] = await Promise.all([1, 2, 3, 4].map(() => signUp(registry.app)));
    const team = await workspace(carol!, 'Team');
    await bringIn(carol!, team, ada!);
    // One shares with people of their workspaces.
    await bringIn(carol!, team, bob!);
    const own = await gptOf(ada!, 'Mine');
    const shared = await gptOf(bob!, "Bob's");
    await expectStatus(
      call(bob!, 'POST', `/api/gpts/${shared}/shares`, { email: ada!.email, permission: 'chat' }),
      201,
    );
    const published = await gptOf(carol!, 'Team helper');
    await expectStatus(call(carol!, 'POST', `/api/gpts/${published}/publish`, { workspaceId: team }), 200);
    const unshared = await gptOf(dave!, "Dave's");

    const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: ada!.token, maxRetries: 0 });
    // A GPT's entry has its `name` too, which OpenAI's own models do not.
    const models: Array<OpenAI.Models.Model & { name?: string }> = [];
    for await (const model of client.models.list()) models.push(model);
    const gpts = models.filter((model) => model.owned_by !== 'chatty');
    expect(gpts.map(({ id, owned_by, name }) => ({ id, owned_by, name }))).toEqual([
      { id: published, owned_by: 'catalogue', name: 'Team helper' },
      { id: shared, owned_by: 'shared', name: "Bob's" },
      { id: own, owned_by: 'user', name: 'Mine' },
    ]);
    expect(models.map((model) => model.id)).not.toContain(unshared);
    expect(models.find((model) => model.id === 'phi3')).toMatchObject({ owned_by: 'chatty' });

    // Each one listed answers, by itself and as a chat model.
    for (const gpt of gpts) {
      expect(await client.models.retrieve(gpt.id)).toEqual(gpt);
      const completion = await client.chat.completions.create({
        model: gpt.id,
        messages: [{ role: 'user', content: 'Hi?' }],
      });
      expect(completion.choices[0]!.message.content).toBe('Hello there.');
    }

    // Dave's is neither listed nor found, in OpenAI's error shape, and it does not answer.
    const missing = await fetch(`${origin}/v1/models/${unshared}`, { headers: ada!.auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: {
        message: `The model "${unshared}" does not exist or you do not have access to it`,
        type: 'not_found_error',
        param: null,
        code: 'MODEL_NOT_FOUND',
      },
    });
    await expect(client.models.retrieve(unshared)).rejects.toMatchObject({
      status: 404,
      code: 'MODEL_NOT_FOUND',
    });
    await expect(
      client.chat.completions.create({ model: unshared, messages: [{ role: 'user', content: 'Hi?' }] }),
    ).rejects.toMatchObject({ status: 404 });

    // Out of the team, its catalogue's GPT goes from the list and from the lookup.
    await expectStatus(call(carol!, 'DELETE', `/api/workspaces/${team}/members/${ada!.user.id}`), 204);
    const after = [];
    for await (const model of client.models.list()) after.push(model.id);
    expect(after).not.toContain(published);
    await expect(client.models.retrieve(published)).rejects.toMatchObject({ status: 404 });
  });
});
