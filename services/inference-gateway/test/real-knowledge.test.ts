import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGpt,
  type Stack,
  signUp,
  startStack,
  upload,
  waitUntilDone,
} from '../../file-ingest/test/harness.js';
import { type BareGateway, newSession, post, startBareGateway, urlOf } from './harness.js';

/*
 * Knowledge end to end, with no stand-ins: a file uploaded to the registry, extracted and chunked by
 * file-ingest's worker, found by its search route, and put into the prompt by the gateway.
 */
let stack: Stack;
let chat: BareGateway;

beforeAll(async () => {
  stack = await startStack();
  await stack.registry.app.listen({ port: 0, host: '127.0.0.1' });
  await stack.ingest.listen({ port: 0, host: '127.0.0.1' });
  chat = await startBareGateway(
    { registryUrl: urlOf(stack.registry.app.server), ingestUrl: urlOf(stack.ingest.server) },
    [{ models: ['phi3'] }],
  );
});
afterAll(async () => {
  await chat?.close();
  await stack?.close();
});

describe('with the real registry and file-ingest', () => {
  it('puts the fact only the uploaded file holds into the prompt, and cites the file', async () => {
    const owner = await signUp(stack.registry.app);
    const gpt = await createGpt(stack.registry.app, owner.auth, { name: 'Ops', modelId: 'phi3' });
    const file = await upload(
      stack,
      owner.auth,
      gpt.id,
      'runbook.txt',
      Buffer.from('Restarting the cache\n\nThe cache cluster password rotates every 37 days, on a Tuesday.'),
    );
    expect(file.statusCode, file.body).toBe(202);
    const ready = await waitUntilDone(stack, owner.auth, file.json().id);
    expect(ready.status).toBe('ready');

    const sessionId = await newSession(chat, { auth: owner.auth, gptId: gpt.id });
    const response = await post(`${chat.url}/api/sessions/${sessionId}/messages`, owner.auth, {
      content: 'How often does the cache password rotate?',
    });
    expect(response.status).toBe(200);
    const { message } = (await response.json()) as {
      message: { citations: Array<{ fileId: string; fileName: string }> };
    };
    const system = chat.workers[0]!.requests.at(-1)!.body.messages![0]!.content;
    expect(system).toContain('rotates every 37 days');
    expect(system).toContain('[runbook.txt');
    expect(message.citations).toEqual([
      expect.objectContaining({ fileId: file.json().id, fileName: 'runbook.txt' }),
    ]);
  });
});
