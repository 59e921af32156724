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
import { type RecordingProxy, startRecordingProxy } from './recording-proxy.js';

/*
 * Knowledge end to end, with no stand-ins: a file uploaded to the registry, extracted and chunked by
 * file-ingest's worker, found by its search route, and put into the prompt by the gateway.
 */
let stack: Stack;
let chat: BareGateway;
/** file-ingest, behind a recorder of the searches the gateway makes. */
let ingest: RecordingProxy;

beforeAll(async () => {
  stack = await startStack();
  await stack.registry.app.listen({ port: 0, host: '127.0.0.1' });
  await stack.ingest.listen({ port: 0, host: '127.0.0.1' });
  ingest = await startRecordingProxy(urlOf(stack.ingest.server));
  chat = await startBareGateway(
    {
      registryUrl: urlOf(stack.registry.app.server),
      ingestUrl: ingest.url,
      databaseUrl: stack.registry.database.url,
    },
    [{ models: ['phi3'] }],
  );
});
afterAll(async () => {
  await chat?.close();
  await ingest?.close();
  await stack?.close();
});

/** A GPT of a new owner, one session with it, and what its tests do: add a file, ask a question. */
async function conversation(name: string) {
  const owner = await signUp(stack.registry.app);
  const gpt = await createGpt(stack.registry.app, owner.auth, { name, modelId: 'phi3' });
  const sessionId = await newSession(chat, { auth: owner.auth, gptId: gpt.id });
  return {
    owner,
    /** Uploads a text file and waits until it is ready; its id. */
    async add(fileName: string, text: string) {
      const file = await upload(stack, owner.auth, gpt.id, fileName, Buffer.from(text));
      expect(file.statusCode, file.body).toBe(202);
      expect((await waitUntilDone(stack, owner.auth, file.json().id)).status).toBe('ready');
      return file.json().id as string;
    },
    /** Sends a message; the system prompt the worker was given. */
    async ask(content: string) {
      const response = await post(`${chat.url}/api/sessions/${sessionId}/messages`, owner.auth, { content });
      expect(response.status, await response.clone().text()).toBe(200);
      return chat.workers[0]!.requests.at(-1)!.body.messages![0]!.content;
    },
  };
}

/** The searches the gateway has asked of file-ingest so far. */
const searchCount = () => ingest.paths.filter((path) => path === '/internal/search').length;

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

  it("the design document's example.js: in the prompt as fenced javascript, cited with its language and code", async () => {
    const owner = await signUp(stack.registry.app);
    const gpt = await createGpt(stack.registry.app, owner.auth, { name: 'Code Assistant', modelId: 'phi3' });
    // As `new File(['console.log("Hello World")'], 'example.js', { type: 'text/javascript' })` sends it.
    const file = await upload(
      stack,
      owner.auth,
      gpt.id,
      'example.js',
      Buffer.from('console.log("Hello World")'),
      'text/javascript',
    );
    expect(file.statusCode, file.body).toBe(202);
    expect(file.json()).toMatchObject({ mimeType: 'text/javascript', language: 'javascript' });
    expect((await waitUntilDone(stack, owner.auth, file.json().id)).status).toBe('ready');

    const sessionId = await newSession(chat, { auth: owner.auth, gptId: gpt.id });
    const response = await post(`${chat.url}/api/sessions/${sessionId}/messages`, owner.auth, {
      content: 'What does example.js print?',
    });
    const { message } = (await response.json()) as { message: { citations: unknown[] } };
    const system = chat.workers[0]!.requests.at(-1)!.body.messages![0]!.content;
    expect(system).toContain('[example.js]\n```javascript\nconsole.log("Hello World")\n```');
    expect(message.citations).toEqual([
      {
        fileId: file.json().id,
        fileName: 'example.js',
        page: null,
        language: 'javascript',
        excerpt: 'console.log("Hello World")',
      },
    ]);
    // Stored with the message: the session shows the same citation later.
    const session = await fetch(`${chat.url}/api/sessions/${sessionId}`, { headers: owner.auth });
    const stored = ((await session.json()) as { messages: Array<{ citations?: unknown[] }> }).messages.at(-1);
    expect(stored?.citations).toEqual(message.citations);
  });

  it("keeps a small GPT's whole knowledge between turns, and searches again when a file comes or goes", async () => {
    const { owner, add, ask } = await conversation('Handbook');

    const opening = await add('opening.txt', 'The cafe opens at 7:30 on weekdays.');
    let before = searchCount();
    expect(await ask('When does it open?')).toContain('opens at 7:30');
    expect(await ask('And on a weekday?')).toContain('opens at 7:30');
    expect(await ask('Anything else?')).toContain('opens at 7:30');
    expect(searchCount() - before).toBe(1);

    await add('milk.txt', 'Milk arrives on Mondays before 8:00.');
    before = searchCount();
    const both = await ask('When does the milk come?');
    expect(both).toContain('Milk arrives on Mondays');
    expect(both).toContain('opens at 7:30');
    expect(await ask('Again?')).toContain('Milk arrives on Mondays');
    expect(searchCount() - before).toBe(1);

    const deleted = await stack.registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/files/${opening}`,
      headers: owner.auth,
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    before = searchCount();
    const after = await ask('When does it open?');
    expect(after).not.toContain('opens at 7:30');
    expect(after).toContain('Milk arrives on Mondays');
    expect(searchCount() - before).toBe(1);
  });

  it('leaves a file turned off out of the next turn, held knowledge and all, and takes it back when on again', async () => {
    const { owner, add, ask } = await conversation('Switchboard');
    const hours = await add('hours.txt', 'The library closes at 21:00 on Fridays.');
    await add('fines.txt', 'A late book costs 20 cents a day.');
    const toggle = (isActive: boolean) =>
      stack.registry.app.inject({
        method: 'PATCH',
        url: `/api/gpts/files/${hours}`,
        headers: owner.auth,
        payload: { isActive },
      });
    expect(await ask('When does it close?')).toContain('closes at 21:00');
    expect(await ask('On Fridays?')).toContain('closes at 21:00');

    const off = await toggle(false);
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ id: hours, isActive: false, status: 'ready' });
    const without = await ask('When does it close?');
    expect(without).not.toContain('closes at 21:00');
    expect(without).toContain('20 cents a day');

    expect((await toggle(true)).json().isActive).toBe(true);
    const back = await ask('When does it close?');
    expect(back).toContain('closes at 21:00');
    expect(back).toContain('20 cents a day');
  });

  it('starts keeping the whole knowledge once it fits, after knowledge too large to keep', async () => {
    const { owner, add, ask } = await conversation('Shrinking');
    // Far more than a 4096-token window leaves for knowledge: searched by rank on every turn.
    const paragraph = 'The archive holds minutes of every meeting since the harbour opened. ';
    const large = await add('archive.txt', paragraph.repeat(600));
    await ask('What does the archive hold?');
    await ask('Since when?');

    await add('opening.txt', 'The cafe opens at 7:30 on weekdays.');
    const deleted = await stack.registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/files/${large}`,
      headers: owner.auth,
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    const before = searchCount();
    for (const question of ['When does it open?', 'On weekdays?', 'Really?', 'Sure?'])
      expect(await ask(question)).toContain('opens at 7:30');
    // The first is searched while the registry is asked, the second after it (and kept), then none.
    expect(searchCount() - before).toBe(2);
  });
});
