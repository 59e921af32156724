import { DATABASE_IDENTITY_SQL, serviceToken } from '@chatty/shared';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpt, type RegistryHarness, signUp, startRegistry, TEST_SECRET } from '../harness.js';
import { multipartFile } from '../images.js';

/*
 * GET /internal/gpts/:id/turn: what the gateway reads at the start of every chat turn. The runtime
 * travels only when its stamp differs from the one the gateway holds, so every change a chat can
 * notice must change the stamp, and nothing else should.
 */
const TOKEN = { 'x-service-token': serviceToken(TEST_SECRET, 'gpt-registry') };

let registry: RegistryHarness;
let owner: Awaited<ReturnType<typeof signUp>>;
let stranger: Awaited<ReturnType<typeof signUp>>;

interface TurnAnswer {
  stamp: string;
  context: string;
  hasFiles: boolean;
  knowledge?: string;
  runtime?: { gpt: { id: string; instructions: string }; actions: Array<{ name: string }> };
}

beforeAll(async () => {
  registry = await startRegistry();
  owner = await signUp(registry.app);
  stranger = await signUp(registry.app);
});
afterAll(() => registry?.close());

async function turn(gptId: string, userId: string, known?: string) {
  const query = new URLSearchParams({ userId, ...(known && { known }) });
  return registry.app.inject({ method: 'GET', url: `/internal/gpts/${gptId}/turn?${query}`, headers: TOKEN });
}

async function ownersTurn(gptId: string, known?: string): Promise<TurnAnswer> {
  const response = await turn(gptId, owner.user.id, known);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function send(method: 'POST' | 'PUT' | 'PATCH', url: string, payload: object) {
  const response = await registry.app.inject({ method, url, headers: owner.auth, payload });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.json();
}

/** A text file uploaded by the owner (queued: no ingest worker runs here); its id. */
async function upload(gptId: string, name: string): Promise<string> {
  const file = multipartFile(name, 'text/plain', Buffer.from(`The text of ${name}.`));
  const uploaded = await registry.app.inject({
    method: 'POST',
    url: `/api/gpts/${gptId}/files`,
    headers: { ...owner.auth, ...file.headers },
    payload: file.payload,
  });
  expect(uploaded.statusCode, uploaded.body).toBe(202);
  return uploaded.json().id as string;
}

describe('GET /internal/gpts/:id/turn', () => {
  it('gives the runtime once, then only the stamp while nothing changed', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const first = await ownersTurn(gpt.id);
    expect(first).toMatchObject({
      context: '',
      hasFiles: false,
      runtime: { gpt: { id: gpt.id }, actions: [] },
    });
    const again = await ownersTurn(gpt.id, first.stamp);
    // `source` names the database read, as a listener to its change notices names it.
    const { rows } = await sql<{
      identity: string;
    }>`select ${sql.raw(DATABASE_IDENTITY_SQL)} as identity`.execute(registry.app.db);
    expect(again).toEqual({ stamp: first.stamp, context: '', hasFiles: false, source: rows[0]!.identity });
    // A stamp the registry did not give (a gateway's stale one) gets the runtime.
    expect((await ownersTurn(gpt.id, 'stale')).runtime).toBeDefined();
  });

  it('changes the stamp on each change a chat sees: instructions, an action added, edited, switched off', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const stamps = [(await ownersTurn(gpt.id)).stamp];
    const next = async () => {
      const answer = await ownersTurn(gpt.id, stamps.at(-1));
      expect(answer.stamp).not.toBe(stamps.at(-1));
      stamps.push(answer.stamp);
      return answer.runtime!;
    };
    await send('PUT', `/api/gpts/${gpt.id}`, { instructions: 'Answer in French.' });
    expect((await next()).gpt.instructions).toBe('Answer in French.');
    const action = await send('POST', `/api/gpts/${gpt.id}/actions`, {
      name: 'weather',
      description: 'The weather',
      url: 'https://example.com/weather',
      method: 'GET',
    });
    expect((await next()).actions.map((each) => each.name)).toEqual(['weather']);
    await send('PUT', `/api/gpts/actions/${action.id}`, { description: 'Tomorrow’s weather' });
    await next();
    await send('PUT', `/api/gpts/actions/${action.id}`, { isActive: false });
    expect((await next()).actions).toEqual([]);
    // The stamp names the content: switched off, the action is gone and the runtime is as before it.
    expect(stamps.at(-1)).toBe(stamps[1]);
    expect(new Set(stamps.slice(0, -1)).size).toBe(stamps.length - 1);
  });

  it("reads the user's context and whether the GPT has files, neither of which is in the stamp", async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const { stamp } = await ownersTurn(gpt.id);
    await send('PUT', `/api/gpts/${gpt.id}/context`, { context: 'Prefers tables.' });
    await upload(gpt.id, 'notes.txt');
    expect(await ownersTurn(gpt.id, stamp)).toEqual({
      stamp,
      context: 'Prefers tables.',
      hasFiles: true,
      source: expect.any(String),
    });
  });

  it('names the knowledge once every file has settled, and names it anew when a file comes or goes', async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    // As file-ingest marks a file when its chunks are written.
    const settle = (fileId: string) =>
      registry.app.db
        .updateTable('gpt_file')
        .set({ status: 'ready', progress: 100, chunk_count: 1 })
        .where('id', '=', fileId)
        .execute();

    const first = await upload(gpt.id, 'a.txt');
    expect((await ownersTurn(gpt.id)).knowledge).toBeUndefined();
    await settle(first);
    const one = (await ownersTurn(gpt.id)).knowledge;
    expect(one).toEqual(expect.any(String));
    expect((await ownersTurn(gpt.id)).knowledge).toBe(one);

    const second = await upload(gpt.id, 'b.txt');
    expect((await ownersTurn(gpt.id)).knowledge).toBeUndefined();
    await settle(second);
    const two = (await ownersTurn(gpt.id)).knowledge;
    expect(two).toEqual(expect.any(String));
    expect(two).not.toBe(one);

    const deleted = await registry.app.inject({
      method: 'DELETE',
      url: `/api/gpts/files/${second}`,
      headers: owner.auth,
    });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect((await ownersTurn(gpt.id)).knowledge).toBe(one);
  });

  it("is 404 for another user's GPT, and without the service token", async () => {
    const gpt = await createGpt(registry.app, owner.auth);
    const { stamp } = await ownersTurn(gpt.id);
    const other = await turn(gpt.id, stranger.user.id, stamp);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain(stamp);
    const noToken = await registry.app.inject({
      method: 'GET',
      url: `/internal/gpts/${gpt.id}/turn?userId=${owner.user.id}`,
    });
    expect(noToken.statusCode).toBe(404);
  });
});
