import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChattyClient, ROUTES } from '@chatty/client';
import { openApiPath } from '@chatty/contracts';
import {
  databaseUrl,
  dropDatabase,
  type OllamaChatRequest,
  type OllamaReply,
  type OllamaTestServer,
  startOllamaServer,
  testDatabaseName,
  tokensOf,
} from '@chatty/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type StartedStack, startStack, withFreePorts } from '../start-harness.js';
import { chattyInTerminal, runChatty, runChattyIntoClosedPipe } from './cli-process.js';

const MARKDOWN_ANSWER = '# Plan\n\nFirst **read** the notes.\n\n- one step\n- another step\n';

/** The scripted model: Markdown when asked for it, a long answer to stop, else what the knowledge says. */
function answer(request: OllamaChatRequest): OllamaReply {
  const messages = request.messages ?? [];
  const question = [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
  if (/ticket/i.test(question)) return ticketAnswer(request);
  if (/markdown/i.test(question)) return { tokens: MARKDOWN_ANSWER.match(/\s*\S+\s*/g) ?? [] };
  if (/long/i.test(question)) return { tokens: Array.from({ length: 500 }, (_, i) => ` word${i}`) };
  const knows = messages.some((message) => message.content.includes('export of GPTs'));
  return { tokens: tokensOf(knows ? 'Version 2.0 adds the export of GPTs.' : 'I do not know.') };
}

/** Asked for a ticket, the model calls the POST action first, then says whether it went through. */
function ticketAnswer(request: OllamaChatRequest): OllamaReply {
  const result = request.messages?.filter((message) => message.role === 'tool').at(-1);
  if (!result) return { toolCalls: [{ name: 'create_ticket', arguments: { title: 'Build is red' } }] };
  return { tokens: tokensOf(result.content.includes('London') ? 'Ticket filed.' : 'Ticket not filed.') };
}

const database = testDatabaseName('cli');
let ollama: OllamaTestServer;
let weather: Server;
/** What the action target received: `METHOD path`. */
const targetReceived: string[] = [];
let stack: StartedStack;
let base: string;
let apiKey: string;
/** Ada's session token: for what the CLI does not do (API keys, workspaces). */
let adaToken: string;
let home: string;
let env: Record<string, string>;

beforeAll(async () => {
  ollama = await startOllamaServer({
    models: ['deepseek-coder', 'mistral', 'phi3'],
    tokenDelayMs: 15,
    reply: answer,
  });
  weather = createServer((request, response) => {
    targetReceived.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ location: { name: 'London' }, current: { temp_c: 14 } }));
  });
  await new Promise<void>((resolve) => weather.listen(0, '127.0.0.1', resolve));
  const weatherHost = `127.0.0.1:${(weather.address() as AddressInfo).port}`;
  const ports = await withFreePorts({
    DATABASE_URL: databaseUrl(database),
    OLLAMA_URLS: ollama.url,
    ACTION_EGRESS_ALLOW: weatherHost,
  });
  base = `http://127.0.0.1:${ports.PORT}`;
  stack = startStack(ports);
  await stack.waitFor('[start] Chatty is ready', 150_000);

  adaToken = await signUp('ada@example.com', 'Ada');
  apiKey = (await api<{ key: string }>(adaToken, 'POST', '/api/keys', { name: 'cli' })).key;
  home = mkdtempSync(join(tmpdir(), 'chatty-cli-'));
  env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    BASE: base,
    CHATTY_API_KEY: apiKey,
    WEATHER_API: `http://${weatherHost}`,
    PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`,
  };
}, 200_000);

afterAll(async () => {
  stack?.child.kill('SIGINT');
  await stack?.exited;
  weather?.close();
  await ollama?.close();
  await dropDatabase(database);
}, 60_000);

/** A new account's session token. */
async function signUp(email: string, name: string): Promise<string> {
  const signup = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'a long passphrase', name }),
  });
  return ((await signup.json()) as { token: string }).token;
}

/** One call of the public API with a session token, its answer's JSON. */
async function api<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A local server for the duration of `use`: its URL. */
async function withServer<T>(listener: RequestListener, use: (url: string) => Promise<T>): Promise<T> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The fenced block after a marker line in the README. */
function readmeBlock(marker: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(marker);
  if (start < 0) throw new Error(`README has no "${marker}"`);
  return /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(start))![1]!;
}

describe('the chatty command against a started stack', () => {
  it('the client calls only routes the origin documents, with the shapes it reads', async () => {
    const document = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
      >;
    };
    const missing = Object.entries(ROUTES)
      .filter(([, route]) => !document.paths[openApiPath(route.url)]?.[route.method.toLowerCase()])
      .map(([name, route]) => `${name}: ${route.method} ${route.url}`);
    expect(missing).toEqual([]);
    // The fields the client's chat types read are in the gateway's answers.
    const session = JSON.stringify(document.paths['/api/sessions/{sessionId}']!.get!.responses!['200']);
    for (const field of ['messages', 'role', 'content', 'citations', 'fileName', 'page', 'actionCalls']) {
      expect(session).toContain(`"${field}"`);
    }
    const imported = JSON.stringify(document.paths['/api/gpts/import']!.post!.responses!['201']);
    for (const field of ['secretsToSet', 'skippedFiles', 'sourceVersion', 'created'])
      expect(imported).toContain(`"${field}"`);
  });

  it("runs the README's CLI section as written", { timeout: 120_000 }, async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'bash',
        ['-euo', 'pipefail', '-c', readmeBlock('<!-- cli-walkthrough')],
        { cwd: home, env: { ...process.env, ...env } },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
      );
    });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const { stdout, stderr } = result;
    expect(stdout).toMatch(/Logged in to http:\/\/127\.0\.0\.1:\d+ as ada@example\.com/);
    expect(stdout).toMatch(/Created "Release Helper"/);
    expect(stdout).toMatch(/Release Helper +deepseek-coder +1 +no/);
    expect(stderr).toContain('notes.md  upload  uploaded (52 bytes)');
    expect(stderr).toMatch(/notes\.md {2}ingest {2}ready: 1 chunks/);
    expect(stdout).toMatch(/notes\.md +\d+ +ready/);
    expect(stdout).toContain('the model calls it get_weather');
    expect(stdout).toMatch(/HTTP 200 in \d+ ms\n\{"location":\{"name":"London"\}/);
    expect(stdout).toContain('Version 2.0 adds the export of GPTs.\n\nSources:\n  [1] notes.md');
    expect(stdout).toMatch(/Exported "Release Helper" \(version 1\) to release-helper\.chatty\.zip/);
    expect(stdout).toMatch(/Imported into "Release Helper" \(.+\): now version 1/);
    expect(stdout).toContain(
      '{"created":true,"secretsToSet":[{"action":"Get Weather","header":"Authorization"',
    );
    // The new GPT the import made is renamed by its id: each name still names one GPT.
    expect(stdout).toContain('Updated "Release Helper (copy)": version 2');
    const list = stdout.slice(stdout.lastIndexOf('ID  '));
    expect(list).toMatch(/Release Helper \(copy\) +deepseek-coder +2 +no +owner/);
    expect(list).toMatch(/Release Helper +deepseek-coder +1 +no +owner/);
    const byName = await runChatty(['gpts', 'show', 'Release Helper'], env);
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.stdout).toMatch(/^Release Helper {2}\(/);
    // The imported copy's knowledge is ingested again: its file becomes ready.
    const client = new ChattyClient({ baseUrl: base, token: apiKey });
    const copies = (await client.listGpts()).filter((gpt) => gpt.name.startsWith('Release Helper'));
    expect(copies.map((gpt) => gpt.name).sort()).toEqual(['Release Helper', 'Release Helper (copy)']);
    for (const copy of copies) {
      await expect
        .poll(async () => (await client.listFiles(copy.id)).map((file) => file.status), { timeout: 30_000 })
        .toEqual(['ready']);
    }
    // The login is kept for its owner only.
    const config = join(home, 'config', 'chatty', 'config.json');
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ url: base, apiKey });
  });

  it('prints the server message and exits non-zero on failure; --json for scripts', {
    timeout: 60_000,
  }, async () => {
    const client = new ChattyClient({ baseUrl: base, token: apiKey });
    const gpt = await client.createGpt({ name: 'Scripted', modelId: 'mistral' });
    const missing = await runChatty(['gpts', 'show', '00000000-0000-4000-8000-000000000000'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('chatty: GPT not found (NOT_FOUND, HTTP 404)\n');
    const badModel = await runChatty(['gpts', 'edit', gpt.id, '--model', 'no-such-model'], env);
    expect(badModel.code).toBe(1);
    expect(badModel.stderr).toMatch(/Unknown model "no-such-model".*\(UNKNOWN_MODEL, HTTP 400\)/);
    const noGpt = await runChatty(['chat', 'Nobody'], env, 'hello\n');
    expect(noGpt.code).toBe(1);
    expect(noGpt.stderr).toContain('No GPT is named "Nobody"');
    const wrongKey = await runChatty(['login', '--url', base, '--api-key', 'chatty_wrong'], env);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/HTTP 401/);
    const unreachable = await runChatty(['gpts', 'list'], { ...env, CHATTY_URL: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/Cannot reach the server/);

    const list = await runChatty(['gpts', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ name: string }>).map((each) => each.name)).toContain(
      'Scripted',
    );
    const chat = await runChatty(['chat', 'Scripted', '--json'], env, 'hello\n');
    expect(chat.code, chat.stderr).toBe(0);
    const reply = JSON.parse(chat.stdout) as {
      sessionId: string;
      message: { role: string; content: string };
    };
    expect(reply.message).toMatchObject({ role: 'assistant', content: 'I do not know.' });
    expect((await client.getSession(reply.sessionId)).messages).toHaveLength(2);
  });

  it('chats in a terminal: streamed Markdown, Ctrl-C stops an answer, /new, /sessions, /exit', {
    timeout: 90_000,
  }, async () => {
    const terminal = chattyInTerminal(['chat', 'Scripted'], env);
    try {
      await terminal.waitFor(/you › /);
      let from = terminal.screen().length;
      terminal.write('Answer in markdown please\r');
      await terminal.waitFor(/\* \S*another step[\s\S]*you › /, from);
      // Shown as plain text while each block streams, then replaced (erased: ESC[J) by its rendering:
      // bold drawn bold, the list with bullets, no Markdown syntax left after the last replacement.
      const shown = terminal.screen().slice(from);
      expect(shown).toContain('First \x1b[1mread\x1b[22m the notes.');
      const last = shown.slice(shown.lastIndexOf('\x1b[J'));
      expect(last).toMatch(/\* \S*one step/);
      expect(last).not.toContain('- one step');

      from = terminal.screen().length;
      terminal.write('Write something long\r');
      await terminal.waitFor(/word20/, from);
      terminal.write('\x03');
      await terminal.waitFor(/\(stopped\)[\s\S]*you › /, from);
      expect(terminal.screen().slice(from)).not.toContain('word499');

      from = terminal.screen().length;
      terminal.write('/new\r');
      await terminal.waitFor(/New chat\.[\s\S]*you › /, from);
      terminal.write('hello again\r');
      await terminal.waitFor(/I do not know\.[\s\S]*you › /, from);

      from = terminal.screen().length;
      terminal.write('/sessions\r');
      // The chats of this GPT so far (this one marked), newest first.
      await terminal.waitFor(/1\. .+\r?\n[\s\S]*2\. [\s\S]*\/sessions N resumes one/, from);
      expect(terminal.screen().slice(from)).toContain('(this one)');

      terminal.write('/exit\r');
      expect(await terminal.exited).toBe(0);
    } finally {
      terminal.child.kill('SIGKILL');
    }
  });
  it('asks before an action call that changes something: y/N in a terminal, --allow-actions when piped', {
    timeout: 90_000,
  }, async () => {
    const client = new ChattyClient({ baseUrl: base, token: apiKey });
    const gpt = await client.createGpt({ name: 'Ticketer', modelId: 'phi3' });
    await client.createAction(gpt.id, {
      name: 'create_ticket',
      description: 'Files a ticket',
      url: `${env.WEATHER_API}/tickets`,
      method: 'POST',
      parameters: { title: '{{title}}' },
      arguments: [{ name: 'title', type: 'string', required: true, description: 'What is wrong' }],
    });
    const posts = () => targetReceived.filter((line) => line.startsWith('POST /tickets')).length;

    // Piped, nobody can answer: refused at once unless the flag allows it.
    const refused = await runChatty(['chat', 'Ticketer'], env, 'File a ticket\n');
    expect(refused.code, refused.stderr).toBe(0);
    expect(refused.stderr).toContain(
      '→ create_ticket wants POST with {"title":"Build is red"}: refused (--allow-actions allows it)',
    );
    expect(refused.stdout).toContain('Ticket not filed.');
    expect(posts()).toBe(0);
    const allowed = await runChatty(['chat', 'Ticketer', '--allow-actions'], env, 'File a ticket\n');
    expect(allowed.stderr).toContain('allowed (--allow-actions)');
    expect(allowed.stdout).toContain('Ticket filed.');
    expect(posts()).toBe(1);

    // In a terminal, the user is asked.
    const terminal = chattyInTerminal(['chat', 'Ticketer'], env);
    try {
      await terminal.waitFor(/you › /);
      let from = terminal.screen().length;
      terminal.write('File a ticket\r');
      await terminal.waitFor(
        /create_ticket wants POST with \{"title":"Build is red"\}\. Allow\? \[y\/N\] /,
        from,
      );
      expect(posts()).toBe(1);
      terminal.write('y\r');
      await terminal.waitFor(/Ticket filed\.[\s\S]*you › /, from);
      expect(posts()).toBe(2);

      from = terminal.screen().length;
      terminal.write('File another ticket\r');
      await terminal.waitFor(/Allow\? \[y\/N\] /, from);
      terminal.write('\r');
      await terminal.waitFor(/Ticket not filed\.[\s\S]*you › /, from);
      expect(posts()).toBe(2);

      // Ctrl-C at the question stops the answer; the next line is a message, not a late "y".
      from = terminal.screen().length;
      terminal.write('One more ticket\r');
      await terminal.waitFor(/Allow\? \[y\/N\] /, from);
      terminal.write('\x03');
      await terminal.waitFor(/\(stopped\)[\s\S]*you › /, from);
      from = terminal.screen().length;
      terminal.write('y\r');
      await terminal.waitFor(/I do not know\.[\s\S]*you › /, from);
      expect(posts()).toBe(2);

      terminal.write('/exit\r');
      expect(await terminal.exited).toBe(0);
    } finally {
      terminal.child.kill('SIGKILL');
    }
  });

  it('chats with a chat-scoped API key, which may not read /api/gpts: by name and by id', {
    timeout: 60_000,
  }, async () => {
    const client = new ChattyClient({ baseUrl: base, token: apiKey });
    const gpt = await client.createGpt({ name: 'Chat Keyed', modelId: 'mistral' });
    const chatKey = (
      await api<{ key: string }>(adaToken, 'POST', '/api/keys', { name: 'chat', scope: 'chat' })
    ).key;
    const keyed = { ...env, CHATTY_API_KEY: chatKey };
    // The key really is limited to the chat routes.
    const list = await runChatty(['gpts', 'list'], keyed);
    expect(list.stderr).toMatch(/KEY_SCOPE, HTTP 403/);

    const byName = await runChatty(['chat', 'chat keyed'], keyed, 'hello\n');
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.stdout).toBe('I do not know.\n');
    const byId = await runChatty(['chat', gpt.id, '--json'], keyed, 'hello\n');
    expect(byId.code, byId.stderr).toBe(0);
    const { sessionId } = JSON.parse(byId.stdout) as { sessionId: string };
    expect((await client.getSession(sessionId)).gptId).toBe(gpt.id);
    const nobody = await runChatty(['chat', 'Nobody'], keyed, 'hello\n');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('No GPT of yours or shared with you is named "Nobody"');
    const unknownId = await runChatty(['chat', '00000000-0000-4000-8000-000000000000'], keyed, 'hello\n');
    expect(unknownId.code).toBe(1);
    expect(unknownId.stderr).toBe('chatty: GPT not found (NOT_FOUND, HTTP 404)\n');
  });

  it('stops at once and quietly when the reader of its output goes away (EPIPE), the answer too', {
    timeout: 60_000,
  }, async () => {
    const client = new ChattyClient({ baseUrl: base, token: apiKey });
    const gpt = await client.createGpt({ name: 'Piped Away', modelId: 'mistral' });
    for (const args of [
      ['gpts', 'show', gpt.id, '--json'],
      ['gpts', 'export', gpt.id, '-o', '-'],
    ]) {
      const run = await runChattyIntoClosedPipe(args, env);
      // As coreutils killed by SIGPIPE, as a shell reports them: 128 + 13.
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 141, stderr: '' });
    }
    // A long answer (500 tokens, 7.5 s) stops with the command: the model stops generating.
    const chat = await runChattyIntoClosedPipe(['chat', gpt.id], env, 'Write something long\n');
    expect({ code: chat.code, stderr: chat.stderr }).toEqual({ code: 141, stderr: '' });
    expect(chat.ms).toBeLessThan(6_000);
    await expect.poll(() => ollama.active, { timeout: 3_000 }).toBe(0);
  });

  it('gives up on a server that never answers (--timeout, CHATTY_TIMEOUT), not on a long stream', {
    timeout: 60_000,
  }, async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const started = Date.now();
      const byEnv = await runChatty(['gpts', 'list'], { ...env, CHATTY_URL: url, CHATTY_TIMEOUT: '1' });
      expect(byEnv.code).toBe(1);
      expect(byEnv.stderr).toBe(
        `chatty: ${url} did not answer GET /api/gpts within 1 s (--timeout or CHATTY_TIMEOUT sets the limit, in seconds; 0 waits as long as it takes)\n`,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      const byFlag = await runChatty(
        ['gpts', 'show', '00000000-0000-4000-8000-000000000000', '--timeout', '0.5'],
        {
          ...env,
          CHATTY_URL: url,
        },
      );
      expect(byFlag.code).toBe(1);
      expect(byFlag.stderr).toMatch(/did not answer GET \/api\/gpts\/0{8}-.+ within 0\.5 s/);
      const bad = await runChatty(['gpts', 'list'], { ...env, CHATTY_URL: url, CHATTY_TIMEOUT: 'soon' });
      expect(bad.stderr).toBe(
        'chatty: CHATTY_TIMEOUT must be a number of seconds (0: no limit), not "soon"\n',
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
    // A streamed answer that has begun runs on past the limit (7.5 s against 2 s).
    await new ChattyClient({ baseUrl: base, token: apiKey }).createGpt({
      name: 'Slow Talker',
      modelId: 'phi3',
    });
    const long = await runChatty(
      ['chat', 'Slow Talker'],
      { ...env, CHATTY_TIMEOUT: '2' },
      'Write something long\n',
    );
    expect(long.code, long.stderr).toBe(0);
    expect(long.stdout).toContain('word499');
  });

  it('says so when the URL names a server that is not Chatty', async () => {
    const json = await withServer(
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"hello":"world"}');
      },
      (url) => runChatty(['gpts', 'list'], { ...env, CHATTY_URL: url }).then((run) => ({ url, run })),
    );
    expect(json.run.code).toBe(1);
    expect(json.run.stderr).toBe(
      `chatty: ${json.url} did not answer as a Chatty server (GET /api/gpts returned unexpected JSON)\n`,
    );
    const page = await withServer(
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end('<!doctype html><title>Welcome</title>');
      },
      (url) =>
        runChatty(['gpts', 'show', 'Anything'], { ...env, CHATTY_URL: url }).then((run) => ({ url, run })),
    );
    expect(page.run.code).toBe(1);
    expect(page.run.stderr).toBe(
      `chatty: ${page.url} did not answer as a Chatty server (GET /api/gpts returned text/html, not JSON)\n`,
    );
    const missing = await withServer(
      (_request, response) => {
        response.writeHead(404, { 'content-type': 'text/html' });
        response.end('<html><head><title>404 Not Found</title></head><body>nginx</body></html>');
      },
      (url) => runChatty(['gpts', 'list'], { ...env, CHATTY_URL: url }).then((run) => ({ url, run })),
    );
    expect(missing.run.stderr).toBe(
      `chatty: ${missing.url} answered 404 Not Found with a web page, not as a Chatty server (HTTP_404, HTTP 404)\n`,
    );
  });

  it('checks --if-version before asking the server', async () => {
    const client = new ChattyClient({ baseUrl: base, token: apiKey });
    const gpt = await client.createGpt({ name: 'Versioned', modelId: 'mistral' });
    for (const value of ['abc', '0', '1.5', '-1']) {
      const run = await runChatty(
        ['gpts', 'edit', gpt.id, `--if-version=${value}`, '--name', 'Renamed'],
        env,
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`chatty: --if-version must be a whole number ≥ 1, not "${value}"\n`);
    }
    const conflict = await runChatty(['gpts', 'edit', gpt.id, '--if-version', '7', '--name', 'Renamed'], env);
    expect(conflict.stderr).toMatch(/VERSION_CONFLICT, HTTP 409/);
    const applied = await runChatty(['gpts', 'edit', gpt.id, '--if-version', '1', '--name', 'Renamed'], env);
    expect(applied.stdout).toBe('Updated "Renamed": version 2\n');
  });

  it('names a secret parameter an import left out, and sets it again with actions set-parameter', {
    timeout: 60_000,
  }, async () => {
    const client = new ChattyClient({ baseUrl: base, token: apiKey });
    const gpt = await client.createGpt({ name: 'Keyed Weather', modelId: 'mistral' });
    await client.createAction(gpt.id, {
      name: 'Current',
      url: `${env.WEATHER_API}/keyed`,
      parameters: { key: 'SECRET-KEY-123', q: '{{city}}' },
    });
    const exported = await runChatty(['gpts', 'export', gpt.id, '-o', join(home, 'keyed.zip')], env);
    expect(exported.code, exported.stderr).toBe(0);
    const imported = await runChatty(['gpts', 'import', join(home, 'keyed.zip')], env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('  - Current: parameter key\n');
    expect(imported.stdout).toContain('chatty actions set-parameter <gpt> <action> key=');
    const copy = /as a new GPT \(([^)]+)\)/.exec(imported.stdout)?.[1] ?? '';
    const set = await runChatty(['actions', 'set-parameter', copy, 'Current', 'key=NEW-KEY-456'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe('Set key on "Current"\n');
    const run = await runChatty(['actions', 'test', copy, 'Current', '--arg', 'city=Oslo'], env);
    expect(run.code, run.stderr).toBe(0);
    const sent = new URL(targetReceived.at(-1)!.replace(/^GET /, ''), 'http://target');
    expect([sent.pathname, sent.searchParams.get('key'), sent.searchParams.get('q')]).toEqual([
      '/keyed',
      'NEW-KEY-456',
      'Oslo',
    ]);
  });

  it('uploads a knowledge file from stdin ("-") under the name --name gives', {
    timeout: 60_000,
  }, async () => {
    const client = new ChattyClient({ baseUrl: base, token: apiKey });
    const gpt = await client.createGpt({ name: 'Fed From Stdin', modelId: 'mistral' });
    const text = '# Piped\n\nThese notes came through a pipe.\n';
    const unnamed = await runChatty(['files', 'add', gpt.id, '-'], env, text);
    expect(unnamed.code).toBe(1);
    expect(unnamed.stderr).toBe(
      'chatty: Name the file read from stdin with --name, e.g. --name notes.md: its extension says its type\n',
    );
    const piped = await runChatty(['files', 'add', gpt.id, '-', '--name', 'piped.md'], env, text);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).toContain(`piped.md  upload  uploaded (${Buffer.byteLength(text)} bytes)`);
    expect(piped.stderr).toMatch(/piped\.md {2}ingest {2}ready: 1 chunks/);
    expect((await client.listFiles(gpt.id)).map((file) => [file.originalName, file.size])).toEqual([
      ['piped.md', Buffer.byteLength(text)],
    ]);
  });

  it('names the GPTs a name matches, and finds, lists and chats with GPTs shared with the user', {
    timeout: 60_000,
  }, async () => {
    const client = new ChattyClient({ baseUrl: base, token: apiKey });
    const twins = [
      await client.createGpt({ name: 'Twin', modelId: 'mistral' }),
      await client.createGpt({ name: 'twin', modelId: 'phi3' }),
    ];
    const ambiguous = await runChatty(['gpts', 'show', 'Twin'], env);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/^chatty: 2 GPTs are named "Twin"; name one by its id:\n/);
    for (const twin of twins) expect(ambiguous.stderr).toMatch(new RegExp(`\n {2}${twin.id} {2}updated \\S`));

    // Bob shares a GPT of his with Ada (they share a workspace), as can chat.
    const bobToken = await signUp('bob@example.com', 'Bob');
    const team = await api<{ id: string }>(bobToken, 'POST', '/api/workspaces', { name: 'Team' });
    const invitation = await api<{ token: string }>(
      bobToken,
      'POST',
      `/api/workspaces/${team.id}/invitations`,
      {
        email: 'ada@example.com',
      },
    );
    await api(adaToken, 'POST', `/api/invitations/${invitation.token}/accept`, {});
    const bobs = await new ChattyClient({ baseUrl: base, token: bobToken }).createGpt({
      name: 'Shared One',
      modelId: 'mistral',
    });
    await api(bobToken, 'POST', `/api/gpts/${bobs.id}/shares`, {
      email: 'ada@example.com',
      permission: 'chat',
    });

    const list = await runChatty(['gpts', 'list'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^ID +NAME +MODEL +VERSION +ACTIVE +ACCESS\n/);
    expect(list.stdout).toMatch(new RegExp(`${bobs.id} +Shared One +mistral +1 +(yes|no) +chat\n`));
    expect(list.stdout).toMatch(new RegExp(`${twins[0]!.id} +Twin +mistral +1 +(yes|no) +owner\n`));
    const json = JSON.parse((await runChatty(['gpts', 'list', '--json'], env)).stdout) as Array<{
      id: string;
      access?: string;
    }>;
    expect(json.find((gpt) => gpt.id === bobs.id)?.access).toBe('chat');
    const shown = await runChatty(['gpts', 'show', 'shared one'], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('access:       chat (shared with you)');
    const chat = await runChatty(['chat', 'Shared One'], env, 'hello\n');
    expect(chat.code, chat.stderr).toBe(0);
    expect(chat.stdout).toBe('I do not know.\n');
  });

  it('asks before deleting a GPT on a terminal; elsewhere it needs --yes', { timeout: 60_000 }, async () => {
    const client = new ChattyClient({ baseUrl: base, token: apiKey });
    const gpt = await client.createGpt({ name: 'Doomed', modelId: 'mistral' });
    const piped = await runChatty(['gpts', 'delete', 'Doomed'], env);
    expect(piped.code).toBe(1);
    expect(piped.stderr).toBe(
      `chatty: Deleting GPT "Doomed" (${gpt.id}) cannot be undone; confirm with --yes (stdin is not a terminal to ask on)\n`,
    );
    expect((await client.getGpt(gpt.id)).name).toBe('Doomed');

    const question = new RegExp(
      `Delete GPT "Doomed" \\(${gpt.id}\\) with its files, actions and chats\\? \\[y/N\\] `,
    );
    const declined = chattyInTerminal(['gpts', 'delete', 'Doomed'], env);
    try {
      await declined.waitFor(question);
      declined.write('n\r');
      expect(await declined.exited).toBe(1);
      expect(declined.screen()).toContain('Not deleted.');
    } finally {
      declined.child.kill('SIGKILL');
    }
    expect((await client.getGpt(gpt.id)).name).toBe('Doomed');

    const accepted = chattyInTerminal(['gpts', 'delete', 'Doomed'], env);
    try {
      await accepted.waitFor(question);
      accepted.write('y\r');
      expect(await accepted.exited).toBe(0);
      expect(accepted.screen()).toContain(`Deleted "Doomed" (${gpt.id})`);
    } finally {
      accepted.child.kill('SIGKILL');
    }
    await expect(client.getGpt(gpt.id)).rejects.toMatchObject({ status: 404 });

    const other = await client.createGpt({ name: 'Doomed Too', modelId: 'mistral' });
    const yes = await runChatty(['gpts', 'delete', 'Doomed Too', '-y', '--json'], env);
    expect(yes.code, yes.stderr).toBe(0);
    expect(JSON.parse(yes.stdout)).toEqual({ deleted: other.id });
  });
});
