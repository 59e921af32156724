import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { chattyInTerminal, runChatty } from './cli-process.js';

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

  const signup = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'ada@example.com', password: 'a long passphrase', name: 'Ada' }),
  });
  const { token } = (await signup.json()) as { token: string };
  const key = await fetch(`${base}/api/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: 'cli' }),
  });
  apiKey = ((await key.json()) as { key: string }).key;
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
    // The imported copy's knowledge is ingested again: its file becomes ready.
    const client = new ChattyClient({ baseUrl: base, token: apiKey });
    const copies = (await client.listGpts()).filter((gpt) => gpt.name === 'Release Helper');
    expect(copies).toHaveLength(2);
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
});
