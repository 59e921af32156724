import { tokensOf } from '@chatty/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp } from '../../gpt-registry/test/harness.js';
import { type BareGateway, newSession, post, readEvents } from './harness.js';
import { type RecordedRegistry, startRecordedRegistry } from './recorded-registry.js';
import type { RecordingProxy } from './recording-proxy.js';
import { stillPending, until } from './waiting.js';

/*
 * The registry's turn answers, held by the gateway while the database's change notices are heard
 * (one database, as deployed). The registry sits behind a recorder that counts the turns asked: a
 * held answer costs no call, and every change to what it is made of (the GPT, a share, a workspace's
 * members, the user's context) is seen by the very next message.
 */
let stack: RecordedRegistry;
let registry: RegistryHarness;
let recorder: RecordingProxy;
let chat: BareGateway;

beforeAll(async () => {
  // The model says the word its instructions ask for ("Say two."), or "hi".
  const word = (system: string | undefined) => /Say (\w+)\./.exec(system ?? '')?.[1] ?? 'hi';
  stack = await startRecordedRegistry([
    { models: ['phi3'], reply: (request) => ({ tokens: tokensOf(word(request.messages?.[0]?.content)) }) },
  ]);
  ({ registry, recorder, chat } = stack);
  await untilTurnsAreHeld();
});
afterAll(() => stack?.close());

const turnsAsked = () => recorder.paths.filter((path) => path.endsWith('/turn')).length;

async function api(auth: Record<string, string>, method: string, url: string, payload?: object) {
  const response = await registry.app.inject({ method, url, headers: auth, ...(payload && { payload }) });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.body ? response.json() : undefined;
}

/** A GPT of a new owner and a session with it; `ask` answers the status and the system prompt sent. */
async function chatWith(instructions: string) {
  const owner = await signUp(registry.app);
  const gpt = await createGpt(registry.app, owner.auth, { name: 'Held', instructions, modelId: 'phi3' });
  const sessionId = await newSession(chat, { auth: owner.auth, gptId: gpt.id });
  return { owner, gpt, sessionId, ask: (question = 'Hello?') => ask(owner.auth, sessionId, question) };
}

/** A workspace of the owner's with one more member, who accepted its invitation. */
async function teamOf(owner: { auth: Record<string, string> }) {
  const member = await signUp(registry.app);
  const team = await api(owner.auth, 'POST', '/api/workspaces', { name: 'Team' });
  const invitation = await api(owner.auth, 'POST', `/api/workspaces/${team.id}/invitations`, {
    email: member.email,
    expiresInHours: 1,
  });
  await api(member.auth, 'POST', `/api/invitations/${invitation.token}/accept`);
  return { team, member };
}

async function ask(auth: Record<string, string>, sessionId: string, content: string) {
  const response = await post(`${chat.url}/api/sessions/${sessionId}/messages`, auth, { content });
  await response.text();
  return { status: response.status, system: chat.workers[0]!.requests.at(-1)?.body.messages?.[0]?.content };
}

/** The notices are heard once a second turn on a fresh GPT is answered without asking the registry. */
async function untilTurnsAreHeld() {
  const { ask: askIt } = await chatWith('Warm up.');
  const deadline = Date.now() + 10_000;
  for (;;) {
    await askIt();
    const before = turnsAsked();
    await askIt();
    if (turnsAsked() === before) return;
    if (Date.now() > deadline) throw new Error('the gateway never held a turn answer');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('turn answers held while the change notices are heard', () => {
  it('asks the registry on the first message only, and sees an edit to the GPT at the next one', async () => {
    const { owner, gpt, ask: askIt } = await chatWith('Speak like a pirate.');
    const before = turnsAsked();
    for (let index = 0; index < 3; index++) {
      const answer = await askIt();
      expect(answer.status).toBe(200);
      expect(answer.system).toContain('Speak like a pirate.');
    }
    expect(turnsAsked()).toBe(before + 1);

    await api(owner.auth, 'PUT', `/api/gpts/${gpt.id}`, {
      name: 'Held',
      instructions: 'Speak like a sailor.',
      modelId: 'phi3',
    });
    const edited = await askIt();
    expect(edited.system).toContain('Speak like a sailor.');
    expect(edited.system).not.toContain('pirate');
    expect(turnsAsked()).toBe(before + 2);
  });

  it('never streams an answer made on a held view that an edit has replaced, however close the message follows', async () => {
    const { owner, gpt, sessionId } = await chatWith('Say one.');
    await ask(owner.auth, sessionId, 'Hi');
    for (const word of ['two', 'three', 'four', 'five', 'six']) {
      // The message follows the edit at once: the gateway may not have heard its notice yet, and may
      // start the model on the view it holds; that answer must never be the one streamed.
      await api(owner.auth, 'PUT', `/api/gpts/${gpt.id}`, {
        name: 'Held',
        instructions: `Say ${word}.`,
        modelId: 'phi3',
      });
      const response = await post(
        `${chat.url}/api/sessions/${sessionId}/messages`,
        owner.auth,
        { content: 'Again?' },
        'text/event-stream',
      );
      const events = await readEvents(response);
      const said = events.filter((event) => event.event === 'delta').map((event) => event.data.content);
      expect(said.join('')).toBe(word);
      expect((events.at(-1)!.data.message as { content: string }).content).toBe(word);
    }
  });

  it("sees the user's own context at the next message", async () => {
    const { owner, gpt, ask: askIt } = await chatWith('Be brief.');
    await askIt();
    await api(owner.auth, 'PUT', `/api/gpts/${gpt.id}/context`, { context: 'I live in Lisbon.' });
    expect((await askIt()).system).toContain('I live in Lisbon.');
  });

  it('refuses the next message once a share is removed', async () => {
    const { owner, gpt } = await chatWith('Shared.');
    const { member } = await teamOf(owner);
    const share = await api(owner.auth, 'POST', `/api/gpts/${gpt.id}/shares`, {
      email: member.email,
      permission: 'chat',
    });
    const sessionId = await newSession(chat, { auth: member.auth, gptId: gpt.id });
    expect((await ask(member.auth, sessionId, 'Hi')).status).toBe(200);
    const before = turnsAsked();
    expect((await ask(member.auth, sessionId, 'Hi')).status).toBe(200);
    expect(turnsAsked()).toBe(before);

    await api(owner.auth, 'DELETE', `/api/gpts/${gpt.id}/shares/${share.id}`);
    expect((await ask(member.auth, sessionId, 'Hi')).status).toBe(404);
  });

  it('refuses the next message once the user leaves the workspace the GPT is shared with', async () => {
    const { owner, gpt } = await chatWith('For the team.');
    const { team, member } = await teamOf(owner);
    await api(owner.auth, 'POST', `/api/gpts/${gpt.id}/shares`, { workspaceId: team.id, permission: 'chat' });
    const sessionId = await newSession(chat, { auth: member.auth, gptId: gpt.id });
    expect((await ask(member.auth, sessionId, 'Hi')).status).toBe(200);
    const before = turnsAsked();
    expect((await ask(member.auth, sessionId, 'Hi')).status).toBe(200);
    expect(turnsAsked()).toBe(before);

    await api(owner.auth, 'DELETE', `/api/workspaces/${team.id}/members/${member.user.id}`);
    expect((await ask(member.auth, sessionId, 'Hi')).status).toBe(404);
  });

  it('asks the registry on every message while the notices are lost, and holds answers again once they are back', async () => {
    const { owner, gpt, ask: askIt } = await chatWith('Before the loss.');
    await askIt();
    const admin = new pg.Client({ connectionString: registry.database.url });
    await admin.connect();
    try {
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and datname = current_database()',
        ['inference-gateway:gpt-changes'],
      );
    } finally {
      await admin.end();
    }
    // A change made while nobody listens is still seen: nothing held is used without the notices.
    await api(owner.auth, 'PUT', `/api/gpts/${gpt.id}`, {
      name: 'Held',
      instructions: 'After the loss.',
      modelId: 'phi3',
    });
    expect((await askIt()).system).toContain('After the loss.');
    await untilTurnsAreHeld();
    const before = turnsAsked();
    await askIt();
    await askIt();
    expect(turnsAsked()).toBeLessThanOrEqual(before + 1);
  });
});

/** A /v1 completion from the GPT asking "Hello?", streamed or not. */
const askCompletion = (auth: Record<string, string>, gptId: string, stream: boolean) =>
  post(`${chat.url}/v1/chat/completions`, auth, {
    model: gptId,
    stream,
    messages: [{ role: 'user', content: 'Hello?' }],
  });

/** A /v1 completion from the GPT, read whole; `said` is what the caller heard. */
async function complete(auth: Record<string, string>, gptId: string, stream: boolean) {
  const response = await askCompletion(auth, gptId, stream);
  return { status: response.status, said: await saidBy(response, stream) };
}

async function saidBy(response: Response, stream: boolean): Promise<string> {
  if (response.status !== 200) return `${response.status} ${await response.text()}`;
  if (!stream)
    return ((await response.json()) as { choices: [{ message: { content: string } }] }).choices[0].message
      .content;
  const chunks = (await response.text())
    .split('\n\n')
    .filter((event) => event.startsWith('data: {'))
    .map((event) => JSON.parse(event.slice(6)) as { choices: [{ delta: { content?: string } }] });
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
}

const chatRequests = () => chat.workers[0]!.requests.filter((request) => request.path === '/api/chat');

describe('/v1 completions from a GPT on the view held', () => {
  it('asks the registry on the first request only, and answers the next request after an edit from the edit', async () => {
    for (const stream of [false, true]) {
      const { owner, gpt } = await chatWith('Say one.');
      expect(await complete(owner.auth, gpt.id, stream)).toEqual({ status: 200, said: 'one' });
      const before = turnsAsked();
      expect(await complete(owner.auth, gpt.id, stream)).toEqual({ status: 200, said: 'one' });
      expect(turnsAsked()).toBe(before);
      for (const word of ['two', 'three', 'four']) {
        await api(owner.auth, 'PUT', `/api/gpts/${gpt.id}`, {
          name: 'Held',
          instructions: `Say ${word}.`,
          modelId: 'phi3',
        });
        expect(await complete(owner.auth, gpt.id, stream)).toEqual({ status: 200, said: word });
      }
    }
  });

  it('starts the model on the view held while the changes are heard, and sends nothing before they are', async () => {
    const { owner, gpt } = await chatWith('Say early.');
    await complete(owner.auth, gpt.id, true);
    const before = chatRequests().length;
    stack.gatewayDatabase.hold();
    let answering: Promise<Response>;
    try {
      answering = askCompletion(owner.auth, gpt.id, true);
      // The database cannot tell the gateway whether anything changed, yet the model is asked...
      await until(() => chatRequests().length > before, 'the model to be asked');
      // ...and the caller hears nothing, not even the headers, until it can.
      expect(await stillPending(answering)).toBe(true);
    } finally {
      stack.gatewayDatabase.release();
    }
    expect(await saidBy(await answering, true)).toBe('early');
    expect(chatRequests().length - before).toBe(1);
  });

  it('drops an answer started on a view an edit replaced, and answers from the edit', async () => {
    const { owner, gpt } = await chatWith('Say old.');
    await complete(owner.auth, gpt.id, true);
    const before = chatRequests().length;
    // The edit's notice cannot reach the gateway yet: the next request starts on the old view.
    stack.gatewayDatabase.hold();
    let answering: Promise<Response>;
    try {
      await api(owner.auth, 'PUT', `/api/gpts/${gpt.id}`, {
        name: 'Held',
        instructions: 'Say new.',
        modelId: 'phi3',
      });
      answering = askCompletion(owner.auth, gpt.id, true);
      await until(() => chatRequests().length > before, 'the model to be asked on the old view');
    } finally {
      stack.gatewayDatabase.release();
    }
    expect(await saidBy(await answering, true)).toBe('new');
    const systems = chatRequests()
      .slice(before)
      .map((request) => request.body.messages?.[0]?.content);
    expect(systems).toHaveLength(2);
    expect(systems[0]).toContain('Say old.');
    expect(systems[1]).toContain('Say new.');
  });

  it('answers 404 once a share is removed, though the view was held', async () => {
    const { owner, gpt } = await chatWith('Shared over /v1.');
    const { member } = await teamOf(owner);
    const share = await api(owner.auth, 'POST', `/api/gpts/${gpt.id}/shares`, {
      email: member.email,
      permission: 'chat',
    });
    expect((await complete(member.auth, gpt.id, true)).status).toBe(200);
    await api(owner.auth, 'DELETE', `/api/gpts/${gpt.id}/shares/${share.id}`);
    for (const stream of [true, false]) {
      const refused = await askCompletion(member.auth, gpt.id, stream);
      expect(refused.status).toBe(404);
      // The model may have started on the view held, had the removal not been heard yet; its answer
      // never reaches the member.
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('MODEL_NOT_FOUND');
    }
  });
});
